"""Flo queues through Redis list commands and the Q* family, against the real flod.

A pop leases the message (30 s by default); QACK removes it. Queues outlive FLUSHALL, so every
test works on queue names of its own.
"""

import threading
import time
import unittest
import uuid

import redis

from flod_server import FlodTestCase


class QueueTestCase(FlodTestCase):
    def setUp(self):
        self.r = redis.Redis(port=self.server.port, decode_responses=True)
        self.q = "queue-" + uuid.uuid4().hex[:10]

    def tearDown(self):
        self.r.close()

    def stats(self, queue):
        flat = self.r.execute_command("QSTATS", queue)
        return dict(zip(flat[::2], flat[1::2]))


class ListCommandsTest(QueueTestCase):
    def test_lpush_rpop_llen_in_fifo_order(self):
        self.assertEqual(self.r.lpush(self.q, "a", "b", "c"), 3)
        self.assertEqual(self.r.lpush(self.q, "d"), 4)
        self.assertEqual(self.r.llen(self.q), 4)
        self.assertEqual(self.r.rpop(self.q), "a")
        self.assertEqual(self.r.rpop(self.q, 2), ["b", "c"])
        self.assertEqual(self.r.llen(self.q), 1)
        self.assertEqual(self.stats(self.q)["in_flight"], 3)
        self.assertEqual(self.r.type(self.q), "list")

    def test_brpop_wakes_when_another_connection_pushes(self):
        waiter = self.client()
        result = {}

        def pop():
            result["reply"] = waiter.brpop(self.q, timeout=20)
            result["at"] = time.monotonic()

        thread = threading.Thread(target=pop)
        thread.start()
        time.sleep(0.5)
        self.assertTrue(thread.is_alive())
        pushed_at = time.monotonic()
        self.r.lpush(self.q, "job-1")
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(result["reply"], (self.q, "job-1"))
        self.assertLess(result["at"] - pushed_at, 1.0)
        waiter.close()

    def test_brpop_times_out_with_nil(self):
        started = time.monotonic()
        self.assertIsNone(self.r.brpop(self.q, timeout=1))
        self.assertGreaterEqual(time.monotonic() - started, 0.9)

    def test_brpop_serves_the_first_queue_that_has_a_message(self):
        second = self.q + "-2"
        self.r.lpush(second, "x")
        self.assertEqual(self.r.brpop([self.q, second], timeout=1), (second, "x"))

    def test_brpop_on_several_queues_waits_for_any_of_them(self):
        second = self.q + "-2"
        waiter = self.client()
        result = {}
        thread = threading.Thread(target=lambda: result.update(
            reply=waiter.brpop([self.q, second], timeout=0)))
        thread.start()
        time.sleep(0.5)
        self.r.lpush(second, "found")
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(result["reply"], (second, "found"))
        waiter.close()

    def test_wrong_type(self):
        self.r.set(self.q, "text")
        for call in (lambda: self.r.lpush(self.q, "x"), lambda: self.r.rpop(self.q)):
            with self.assertRaises(redis.exceptions.ResponseError) as caught:
                call()
            self.assertIn("WRONGTYPE", str(caught.exception))


class LeaseCycleTest(QueueTestCase):
    def test_redis_cli_pops_then_acks_with_the_seq_qpop_shows(self):
        self.assertEqual(self.cli("LPUSH", self.q, "resize-image"), "1\n")
        self.assertEqual(self.cli("QPOP", self.q, "VISIBILITY", "60000"), "1\nresize-image\n1\n")
        self.assertEqual(self.cli("QSTATS", self.q).split("\n")[:4], ["ready", "0", "in_flight", "1"])
        self.assertEqual(self.cli("QACK", self.q, "1"), "1\n")
        self.assertEqual(self.stats(self.q)["in_flight"], 0)

    def test_redis_cli_session_acks_what_rpop_leased(self):
        self.cli("LPUSH", self.q, "a", "b")
        out = self.cli(stdin=f"RPOP {self.q}\nQACK {self.q}\nLLEN {self.q}\n".encode())
        self.assertEqual(out, "a\n1\n1\n")
        self.assertEqual(self.stats(self.q)["in_flight"], 0)

    def test_an_unacked_message_comes_back_after_its_visibility_timeout(self):
        self.r.lpush(self.q, "job")
        self.assertEqual(self.r.execute_command("QPOP", self.q, "VISIBILITY", "300"),
                         [[1, "job", 1]])
        self.assertIsNone(self.r.rpop(self.q))
        time.sleep(0.6)
        self.assertEqual(self.r.execute_command("QPOP", self.q), [[1, "job", 2]])

    def test_nack_dead_letter_and_requeue(self):
        self.r.lpush(self.q, "poison")
        self.r.execute_command("QPOP", self.q)
        self.assertEqual(self.r.execute_command("QNACK", self.q, "1", "DLQ"), 1)
        self.assertEqual(self.r.execute_command("QDLQ", self.q), [[1, "poison", 1]])
        self.assertEqual(self.r.execute_command("QREQUEUE", self.q, "1"), 1)
        self.assertEqual(self.r.execute_command("QPEEK", self.q), [[1, "poison", 0]])
        self.assertEqual(self.r.execute_command("QPURGE", self.q), 1)
        self.assertIn(self.q, self.r.execute_command("QLIST"))


if __name__ == "__main__":
    unittest.main()

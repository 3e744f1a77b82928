"""Redis stream commands against the real flod, with redis-py and redis-cli.

Streams and consumer groups outlive FLUSHALL (it clears KV keys only), so every test works on
stream names of its own.
"""

import threading
import time
import unittest
import uuid

import redis

from flod_server import FlodTestCase


def id_tuple(entry_id):
    ms, seq = entry_id.split("-")
    return int(ms), int(seq)


class StreamTestCase(FlodTestCase):
    def setUp(self):
        self.r = redis.Redis(port=self.server.port, decode_responses=True)
        self.key = "stream-" + uuid.uuid4().hex[:10]

    def tearDown(self):
        self.r.close()


class StreamCommandsTest(StreamTestCase):
    def test_xadd_xlen_xrange_and_xrevrange(self):
        ids = [self.r.xadd(self.key, {"n": str(i), "who": "ada"}) for i in range(5)]
        self.assertEqual([id_tuple(i) for i in ids], sorted(id_tuple(i) for i in ids))
        self.assertEqual(self.r.xlen(self.key), 5)
        entries = self.r.xrange(self.key)
        self.assertEqual([entry_id for entry_id, _ in entries], ids)
        self.assertEqual(entries[0][1], {"n": "0", "who": "ada"})
        self.assertEqual([e[0] for e in self.r.xrevrange(self.key, count=2)], [ids[4], ids[3]])
        self.assertEqual(self.r.xrange(self.key, min="(" + ids[0], max=ids[2]), entries[1:3])
        self.assertEqual(self.r.xrange(self.key, count=2), entries[:2])

    def test_explicit_ids_maxlen_minid_and_xtrim(self):
        self.assertEqual(self.r.xadd(self.key, {"a": "1"}, id="1-1"), "1-1")
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            self.r.xadd(self.key, {"a": "2"}, id="1-1")
        self.assertIn("equal or smaller", str(caught.exception))
        self.assertEqual(self.r.xadd(self.key, {"a": "3"}, id="1-*"), "1-2")
        for i in range(10):
            self.r.xadd(self.key, {"i": str(i)}, maxlen=4, approximate=False)
        self.assertEqual(self.r.xlen(self.key), 4)
        self.assertEqual(self.r.xtrim(self.key, maxlen=2, approximate=False), 2)
        newest = self.r.xrange(self.key)[-1][0]
        self.assertEqual(self.r.xtrim(self.key, minid=newest), 1)
        self.assertEqual([e[0] for e in self.r.xrange(self.key)], [newest])
        self.assertIsNone(self.r.xadd(self.key + "-none", {"a": "1"}, nomkstream=True))

    def test_binary_values_and_repeated_fields_round_trip(self):
        raw = redis.Redis(port=self.server.port)
        raw.response_callbacks.pop("XRANGE", None)  # keep repeated fields: no dict
        entry_id = raw.execute_command("XADD", self.key, "*", "blob", b"\xff\x00\xfe", "blob", "2")
        self.assertEqual(raw.execute_command("XRANGE", self.key, "-", "+"),
                         [[entry_id, [b"blob", b"\xff\x00\xfe", b"blob", b"2"]]])
        raw.close()

    def test_xdel_is_refused_with_the_alternative(self):
        entry_id = self.r.xadd(self.key, {"a": "1"})
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            self.r.xdel(self.key, entry_id)
        self.assertIn("XTRIM", str(caught.exception))
        self.assertEqual(self.r.xlen(self.key), 1)

    def test_xinfo_stream(self):
        first = self.r.xadd(self.key, {"a": "1"})
        last = self.r.xadd(self.key, {"b": "2"})
        self.r.xgroup_create(self.key, "g", id="0")
        info = self.r.xinfo_stream(self.key)
        self.assertEqual(info["length"], 2)
        self.assertEqual(info["groups"], 1)
        self.assertEqual(info["last-generated-id"], last)
        self.assertEqual(info["first-entry"], (first, {"a": "1"}))
        self.assertEqual(info["last-entry"], (last, {"b": "2"}))

    def test_type_and_wrong_type(self):
        self.r.xadd(self.key, {"a": "1"})
        self.assertEqual(self.r.type(self.key), "stream")
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            self.r.get(self.key)
        self.assertIn("WRONGTYPE", str(caught.exception))
        self.r.set(self.key + "-text", "v")
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            self.r.xadd(self.key + "-text", {"a": "1"})
        self.assertIn("WRONGTYPE", str(caught.exception))

    def test_redis_cli_appends_and_reads(self):
        entry_id = self.cli("XADD", self.key, "*", "sensor", "t1", "value", "21.5").strip()
        self.assertRegex(entry_id, r"^\d+-\d+$")
        self.assertEqual(self.cli("XLEN", self.key), "1\n")
        self.assertEqual(self.cli("XRANGE", self.key, "-", "+"),
                         f"{entry_id}\nsensor\nt1\nvalue\n21.5\n")


class StreamReadTest(StreamTestCase):
    def test_xread_after_ids_and_across_streams(self):
        other = self.key + "-b"
        a1 = self.r.xadd(self.key, {"x": "1"})
        a2 = self.r.xadd(self.key, {"x": "2"})
        b1 = self.r.xadd(other, {"y": "1"})
        self.assertEqual(self.r.xread({self.key: a1, other: "0"}),
                         [[self.key, [(a2, {"x": "2"})]], [other, [(b1, {"y": "1"})]]])
        self.assertEqual(self.r.xread({self.key: "0"}, count=1), [[self.key, [(a1, {"x": "1"})]]])
        self.assertEqual(self.r.xread({self.key: "$"}), [])

    def test_blocking_xread_returns_as_soon_as_another_connection_appends(self):
        reader = self.client()
        result = {}

        def read():
            result["reply"] = reader.xread({self.key: "$"}, block=20_000)
            result["at"] = time.monotonic()

        thread = threading.Thread(target=read)
        thread.start()
        time.sleep(0.5)  # let the read park
        self.assertTrue(thread.is_alive())
        appended_at = time.monotonic()
        entry_id = self.r.xadd(self.key, {"event": "signup"})
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(result["reply"], [[self.key, [(entry_id, {"event": "signup"})]]])
        self.assertLess(result["at"] - appended_at, 1.0)
        reader.close()

    def test_blocking_xread_times_out(self):
        started = time.monotonic()
        self.assertEqual(self.r.xread({self.key: "$"}, block=400), [])
        self.assertGreaterEqual(time.monotonic() - started, 0.35)

    def test_block_zero_on_several_streams_waits_for_any_of_them(self):
        reader = self.client()
        other = self.key + "-b"
        result = {}
        thread = threading.Thread(
            target=lambda: result.update(reply=reader.xread({self.key: "$", other: "$"}, block=0)))
        thread.start()
        time.sleep(1.5)  # more than one round of a multi-stream wait
        self.assertTrue(thread.is_alive())
        entry_id = self.r.xadd(other, {"k": "v"})
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(result["reply"], [[other, [(entry_id, {"k": "v"})]]])
        self.assertTrue(reader.ping())
        reader.close()


class ConsumerGroupTest(StreamTestCase):
    def test_two_consumers_share_a_group_and_ack_everything(self):
        self.r.xgroup_create(self.key, "g", id="$", mkstream=True)
        written = {self.r.xadd(self.key, {"n": str(i)}) for i in range(50)}
        seen = []
        consumers = ["c1", "c2"]
        turn = 0
        while True:
            reply = self.r.xreadgroup("g", consumers[turn % 2], {self.key: ">"}, count=7)
            turn += 1
            if not reply:
                break
            ids = [entry_id for entry_id, _ in reply[0][1]]
            seen.extend(ids)
            self.assertEqual(self.r.xack(self.key, "g", *ids), len(ids))
        self.assertEqual(sorted(seen), sorted(written))
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(self.r.xpending(self.key, "g")["pending"], 0)

    def test_blocking_xreadgroup_wakes_on_append(self):
        self.r.xgroup_create(self.key, "g", id="$", mkstream=True)
        reader = self.client()
        result = {}
        thread = threading.Thread(target=lambda: result.update(
            reply=reader.xreadgroup("g", "worker", {self.key: ">"}, block=0)))
        thread.start()
        time.sleep(0.5)
        self.assertTrue(thread.is_alive())
        entry_id = self.r.xadd(self.key, {"job": "1"})
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(result["reply"], [[self.key, [(entry_id, {"job": "1"})]]])
        pending = self.r.xpending_range(self.key, "g", "-", "+", 10)
        self.assertEqual([(p["message_id"], p["consumer"]) for p in pending], [(entry_id, "worker")])
        reader.close()

    def test_pending_claim_and_autoclaim(self):
        self.r.xgroup_create(self.key, "g", id="$", mkstream=True)
        ids = [self.r.xadd(self.key, {"n": str(i)}) for i in range(3)]
        self.r.xreadgroup("g", "dead", {self.key: ">"})
        summary = self.r.xpending(self.key, "g")
        self.assertEqual(summary["pending"], 3)
        self.assertEqual(summary["min"], ids[0])
        self.assertEqual(summary["consumers"], [{"name": "dead", "pending": 3}])
        time.sleep(0.3)
        claimed = self.r.xclaim(self.key, "g", "alive", 200, [ids[0]])
        self.assertEqual(claimed, [(ids[0], {"n": "0"})])
        self.assertEqual(self.r.xclaim(self.key, "g", "alive", 0, [ids[1]], justid=True), [ids[1]])
        cursor, entries = self.r.xautoclaim(self.key, "g", "alive", 0, "0-0", count=10)[:2]
        self.assertEqual(cursor, "0-0")
        self.assertEqual([e[0] for e in entries], ids)
        detail = self.r.xpending_range(self.key, "g", "-", "+", 10, consumername="alive")
        self.assertEqual(len(detail), 3)
        self.assertEqual(detail[0]["times_delivered"], 3)

    def test_group_info_setid_and_consumers(self):
        self.r.xgroup_create(self.key, "g", id="$", mkstream=True)
        first = self.r.xadd(self.key, {"a": "1"})
        self.r.xadd(self.key, {"a": "2"})
        self.assertEqual(self.r.xgroup_createconsumer(self.key, "g", "idle"), 1)
        self.r.xreadgroup("g", "busy", {self.key: ">"}, count=1)
        groups = self.r.xinfo_groups(self.key)
        self.assertEqual([(g["name"], g["consumers"], g["pending"]) for g in groups], [("g", 2, 1)])
        consumers = {c["name"]: c["pending"] for c in self.r.xinfo_consumers(self.key, "g")}
        self.assertEqual(consumers, {"busy": 1, "idle": 0})
        self.assertTrue(self.r.xgroup_setid(self.key, "g", first))
        self.assertEqual(self.r.xgroup_delconsumer(self.key, "g", "busy"), 1)
        self.assertEqual(self.r.xgroup_destroy(self.key, "g"), 1)

    def test_missing_group_answers_nogroup(self):
        self.r.xadd(self.key, {"a": "1"})
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            self.r.xreadgroup("nope", "c", {self.key: ">"})
        self.assertIn("NOGROUP", str(caught.exception))
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            self.r.xgroup_create(self.key + "-missing", "g")
        self.assertIn("MKSTREAM", str(caught.exception))


if __name__ == "__main__":
    unittest.main()

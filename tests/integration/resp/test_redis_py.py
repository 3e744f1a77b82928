"""Every RESP command flod serves, driven by Debian's python3-redis against the real flod."""

import threading
import time
import unittest

import redis

from flod_server import FlodServer, FlodTestCase


class RedisPyTestCase(FlodTestCase):
    def setUp(self):
        self.r = redis.Redis(port=self.server.port, decode_responses=True)
        self.r.flushall()

    def tearDown(self):
        self.r.close()

    def raw_reply(self, *args):
        """The reply to a command without redis-py's per-command reply parsing."""
        client = redis.Redis(port=self.server.port, decode_responses=True)
        client.response_callbacks.pop(str(args[0]).upper(), None)
        try:
            return client.execute_command(*args)
        finally:
            client.close()

    def assertError(self, fragment, call, *args, **kwargs):
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            call(*args, **kwargs)
        self.assertIn(fragment, str(caught.exception))
        self.assertTrue(self.r.ping())  # the connection stays usable after an error


class StringCommandsTest(RedisPyTestCase):
    def test_set_get_and_binary_values(self):
        self.assertTrue(self.r.set("k", "v"))
        self.assertEqual(self.r.get("k"), "v")
        self.assertIsNone(self.r.get("missing"))
        raw = redis.Redis(port=self.server.port)
        value = b"bin\r\n\x00\xff\r\n"
        raw.set(b"bin\r\nkey", value)
        self.assertEqual(raw.get(b"bin\r\nkey"), value)
        raw.close()

    def test_set_conditions_and_get_option(self):
        self.assertIsNone(self.r.set("k", "1", xx=True))
        self.assertTrue(self.r.set("k", "1", nx=True))
        self.assertIsNone(self.r.set("k", "2", nx=True))
        self.assertTrue(self.r.set("k", "3", xx=True))
        self.assertEqual(self.r.set("k", "4", get=True), "3")
        self.assertIsNone(self.r.set("fresh", "x", get=True))
        self.assertEqual(self.raw_reply("SET", "k", "5", "NX", "GET"), "4")
        self.assertEqual(self.r.get("k"), "4")

    def test_set_expiry_options(self):
        self.r.set("ex", "v", ex=100)
        self.assertIn(self.r.ttl("ex"), (99, 100))
        self.r.set("px", "v", px=150)
        self.assertGreater(self.r.pttl("px"), 0)
        time.sleep(0.3)
        self.assertIsNone(self.r.get("px"))
        self.r.set("ex", "v2", keepttl=True)
        self.assertGreater(self.r.ttl("ex"), 90)
        self.r.set("ex", "v3")
        self.assertEqual(self.r.ttl("ex"), -1)
        self.assertError("invalid expire time in 'set' command", self.r.set, "k", "v", ex=0)
        self.assertError("syntax error", self.r.execute_command, "SET", "k", "v", "NX", "XX")
        self.assertError("not an integer", self.r.execute_command, "SET", "k", "v", "EX", "soon")

    def test_mset_mget_across_shards(self):
        pairs = {f"m:{i}": str(i) for i in range(50)}
        self.assertTrue(self.r.mset(pairs))
        keys = list(pairs) + ["m:none"]
        self.assertEqual(self.r.mget(keys), list(pairs.values()) + [None])
        self.assertError("wrong number of arguments for 'mset'", self.r.execute_command, "MSET", "a")

    def test_counters(self):
        self.assertEqual(self.r.incr("c"), 1)
        self.assertEqual(self.r.incrby("c", 41), 42)
        self.assertEqual(self.r.decr("c"), 41)
        self.assertEqual(self.r.decrby("c", 50), -9)
        self.assertEqual(self.r.get("c"), "-9")
        self.r.set("s", "100")
        self.assertEqual(self.r.incr("s"), 101)
        self.r.set("c", "text")  # SET replaces a counter
        self.assertEqual(self.r.get("c"), "text")
        self.assertError("value is not an integer or out of range", self.r.incr, "c")
        self.r.set("big", str(2**63 - 1))
        self.assertError("increment or decrement would overflow", self.r.incr, "big")
        self.assertError("value is not an integer or out of range", self.r.incrby, "x", "1.5")


class KeyCommandsTest(RedisPyTestCase):
    def test_del_and_exists(self):
        self.r.mset({"a": 1, "b": 2, "c": 3})
        self.assertEqual(self.r.exists("a", "a", "b", "zzz"), 3)
        self.assertEqual(self.r.delete("a"), 1)
        self.assertEqual(self.r.delete("a", "b", "c", "zzz"), 2)
        self.assertEqual(self.r.exists("a", "b", "c"), 0)

    def test_expire_ttl_persist(self):
        self.assertFalse(self.r.expire("k", 10))
        self.r.set("k", "v")
        self.assertEqual(self.r.ttl("k"), -1)
        self.assertEqual(self.r.ttl("nope"), -2)
        self.assertEqual(self.r.pttl("nope"), -2)
        self.assertTrue(self.r.expire("k", 10))
        self.assertIn(self.r.ttl("k"), (9, 10))
        self.assertTrue(self.r.pexpire("k", 5000))
        self.assertLessEqual(self.r.pttl("k"), 5000)
        self.assertTrue(self.r.persist("k"))
        self.assertFalse(self.r.persist("k"))
        self.assertEqual(self.r.ttl("k"), -1)
        self.assertTrue(self.r.expire("k", -1))  # a time in the past deletes the key
        self.assertEqual(self.r.exists("k"), 0)

    def test_type(self):
        self.r.set("s", "v")
        self.r.incr("n")
        self.r.json().set("j", "$", {"a": 1})
        self.assertEqual(self.r.type("s"), "string")
        self.assertEqual(self.r.type("n"), "string")
        self.assertEqual(self.r.type("j"), "ReJSON-RL")
        self.assertEqual(self.r.type("nope"), "none")

    def test_dbsize_keys_flush(self):
        self.r.mset({"user:1": "a", "user:2": "b", "order:1": "c"})
        self.assertEqual(self.r.dbsize(), 3)
        self.assertEqual(sorted(self.r.keys("user:*")), ["user:1", "user:2"])
        self.assertEqual(sorted(self.r.keys("*:1")), ["order:1", "user:1"])
        self.assertEqual(self.r.keys("h[ae]llo"), [])
        self.assertTrue(self.r.flushdb())
        self.assertEqual(self.r.dbsize(), 0)

    def test_scan_iter_sees_every_key_once(self):
        pipe = self.r.pipeline(transaction=False)
        for i in range(2000):
            pipe.set(f"scan:{i}", i)
        for i in range(300):
            pipe.set(f"other:{i}", i)
        pipe.execute()
        keys = list(self.r.scan_iter(match="scan:*", count=37))
        self.assertEqual(len(keys), 2000)
        self.assertEqual(len(set(keys)), 2000)
        self.assertEqual(len(list(self.r.scan_iter())), 2300)

    def test_scan_keeps_paging_while_keys_change(self):
        for i in range(500):
            self.r.set(f"live:{i:04}", i)
        seen = set()
        cursor = 0
        first = True
        while first or cursor != 0:
            first = False
            cursor, keys = self.r.scan(cursor, count=25)
            seen.update(keys)
            self.r.set(f"new:{len(seen)}", 1)  # writes between pages must not make it skip
        self.assertTrue({f"live:{i:04}" for i in range(500)} <= seen)

    def test_scan_errors(self):
        self.assertError("invalid cursor", self.r.scan, 987654)
        self.assertError("syntax error", self.r.execute_command, "SCAN", "0", "COUNT", "0")


class JsonCommandsTest(RedisPyTestCase):
    def test_set_and_get_with_both_path_styles(self):
        doc = {"name": "flod", "tags": ["kv", "queue"], "nested": {"x": 1}}
        self.assertTrue(self.r.json().set("d", "$", doc))
        self.assertEqual(self.r.json().get("d"), doc)  # legacy root "."
        self.assertEqual(self.r.json().get("d", "$"), [doc])
        self.assertEqual(self.r.json().get("d", "$.nested.x"), [1])
        self.assertEqual(self.r.json().get("d", ".nested.x"), 1)
        self.assertEqual(self.r.json().get("d", "$.tags[1]"), ["queue"])
        self.assertEqual(self.r.json().get("d", ".tags[0]"), "kv")
        self.assertEqual(self.r.json().get("d", "$.missing"), [])
        self.assertIsNone(self.r.json().get("nope", "$"))
        self.assertError("Path does not exist", self.r.json().get, "d", ".missing")

    def test_set_conditions_and_sub_paths(self):
        self.assertIsNone(self.r.json().set("d", "$", {}, xx=True))
        self.assertTrue(self.r.json().set("d", "$", {"a": 1}, nx=True))
        self.assertIsNone(self.r.json().set("d", "$", {}, nx=True))
        self.assertTrue(self.r.json().set("d", "$.b", [1, 2]))
        self.assertTrue(self.r.json().set("d", "$.b[0]", 9))
        self.assertIsNone(self.r.json().set("d", "$.a", 5, nx=True))
        self.assertEqual(self.r.json().get("d"), {"a": 1, "b": [9, 2]})
        self.assertError("new objects must be created at the root", self.r.json().set, "n", "$.a", 1)

    def test_delete(self):
        self.r.json().set("d", "$", {"a": 1, "b": 2})
        self.assertEqual(self.r.json().delete("d", "$.a"), 1)
        self.assertEqual(self.r.json().delete("d", "$.a"), 0)
        self.assertEqual(self.r.json().forget("d", ".b"), 1)
        self.assertEqual(self.r.json().delete("d"), 1)
        self.assertEqual(self.r.exists("d"), 0)
        self.assertEqual(self.r.json().delete("d"), 0)

    def test_string_commands_refuse_documents(self):
        self.r.json().set("d", "$", {"a": 1})
        with self.assertRaises(redis.exceptions.ResponseError) as caught:
            self.r.get("d")
        self.assertIn("wrong kind of value", str(caught.exception))
        with self.assertRaises(redis.exceptions.ResponseError):
            self.r.incr("d")
        self.assertEqual(self.r.mget("d"), [None])


class ConnectionAndServerTest(RedisPyTestCase):
    def test_ping_echo_time(self):
        self.assertTrue(self.r.ping())
        self.assertEqual(self.raw_reply("PING", "hi"), "hi")
        self.assertEqual(self.r.echo("hello world"), "hello world")
        seconds, micros = self.r.time()
        self.assertLess(abs(seconds - time.time()), 5)
        self.assertLess(micros, 1_000_000)

    def test_select_and_hello(self):
        self.assertTrue(self.r.execute_command("SELECT", 0))
        self.assertError("DB index is out of range", self.r.execute_command, "SELECT", 1)
        hello = self.r.execute_command("HELLO", "2")
        self.assertEqual(hello[hello.index("proto") + 1], 2)
        self.assertError("NOPROTO", self.r.execute_command, "HELLO", "3")

    def test_client_commands(self):
        self.assertIsNone(self.r.client_getname())
        self.assertTrue(self.r.client_setname("itest"))
        self.assertEqual(self.r.client_getname(), "itest")
        client_id = self.r.client_id()
        self.assertGreater(client_id, 0)
        self.assertTrue(self.r.execute_command("CLIENT", "SETINFO", "LIB-NAME", "redis-py"))
        mine = [c for c in self.r.client_list() if int(c["id"]) == client_id]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["name"], "itest")
        other = redis.Redis(port=self.server.port, decode_responses=True)
        other.ping()
        self.assertGreaterEqual(len(self.r.client_list()), 2)
        other.close()

    def test_info_sections(self):
        self.r.set("a", 1, ex=100)
        self.r.set("b", 2)
        info = self.r.info()
        for field in ("redis_version", "connected_clients", "used_memory", "aof_enabled",
                      "total_commands_processed", "uptime_in_seconds", "tcp_port"):
            self.assertIn(field, info)
        self.assertEqual(info["tcp_port"], self.server.port)
        self.assertEqual(info["db0"], {"keys": 2, "expires": 1, "avg_ttl": 0})
        self.assertEqual(set(self.r.info("keyspace")), {"db0"})

    def test_config_get(self):
        self.assertEqual(self.r.config_get("save"), {"save": ""})
        self.assertEqual(self.r.config_get("appendonly"), {"appendonly": "yes"})
        self.assertIn("maxmemory", self.r.config_get("max*"))
        self.assertError("CONFIG SET is not supported", self.r.config_set, "save", "")

    def test_command_introspection(self):
        count = self.r.command_count()
        self.assertGreater(count, 40)
        commands = self.r.command()
        self.assertEqual(len(commands), count)
        self.assertEqual(commands["get"]["arity"], 2)
        self.assertIn("readonly", commands["get"]["flags"])
        docs = self.raw_reply("COMMAND", "DOCS", "set")
        self.assertEqual(docs[0], "set")

    def test_errors_keep_the_connection(self):
        self.assertError("unknown command 'NOPE', with args beginning with: 'a' ",
                         self.r.execute_command, "NOPE", "a")
        self.assertError("wrong number of arguments for 'get' command", self.r.execute_command, "GET")
        self.assertError("Flo KV transactions", self.r.execute_command, "MULTI")
        self.assertError("Flo actions", self.r.execute_command, "EVAL", "return 1", 0)
        self.assertError("Flo streams", self.r.execute_command, "SUBSCRIBE", "ch")
        self.assertError("compare-and-set", self.r.execute_command, "WATCH", "k")
        with self.assertRaises(redis.exceptions.ResponseError):
            with self.r.pipeline(transaction=True) as pipe:
                pipe.set("t", 1)
                pipe.execute()
        self.assertTrue(self.r.ping())

    def test_refused_requests_leave_nothing_to_the_next_command(self):
        long_key = "k" * 65536
        self.assertError("key longer than 65535 bytes", self.r.set, long_key, "v", ex=100, nx=True)
        # The next commands on the connection reuse the refused request's storage: none of its
        # key, value or options may carry over.
        self.assertTrue(self.r.set("plain", "1"))
        self.assertEqual(self.r.ttl("plain"), -1)
        self.assertTrue(self.r.set("plain", "2"))  # no NX left behind
        self.assertEqual(self.r.get("plain"), "2")
        self.assertEqual(self.r.dbsize(), 1)


class PipeliningTest(RedisPyTestCase):
    def test_ten_thousand_pipelined_commands_answer_in_order(self):
        pipe = self.r.pipeline(transaction=False)
        for i in range(10_000):
            if i % 3 == 0:
                pipe.set(f"p:{i}", i)
            elif i % 3 == 1:
                pipe.get(f"p:{i - 1}")
            else:
                pipe.incr(f"counter:{i % 7}")
        results = pipe.execute()
        self.assertEqual(len(results), 10_000)
        counters = {}
        for i, result in enumerate(results):
            if i % 3 == 0:
                self.assertTrue(result)
            elif i % 3 == 1:
                self.assertEqual(result, str(i - 1))
            else:
                name = i % 7
                counters[name] = counters.get(name, 0) + 1
                self.assertEqual(result, counters[name])

    def test_concurrent_clients_each_see_their_own_order(self):
        errors = []

        def worker(n):
            try:
                client = redis.Redis(port=self.server.port, decode_responses=True)
                pipe = client.pipeline(transaction=False)
                for i in range(1000):
                    pipe.set(f"w{n}:{i}", i)
                    pipe.get(f"w{n}:{i}")
                replies = pipe.execute()
                for i in range(1000):
                    if replies[2 * i + 1] != str(i):
                        errors.append((n, i, replies[2 * i + 1]))
                client.close()
            except Exception as error:  # surfaced below
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.r.dbsize(), 8000)


class RestartTest(unittest.TestCase):
    def test_values_written_through_resp_survive_a_restart(self):
        with FlodServer() as server:
            r = redis.Redis(port=server.port, decode_responses=True)
            r.set("s", "text", ex=1000)
            r.incrby("n", 7)
            r.json().set("d", "$", {"a": [1, 2]})
            r.close()
            server.restart()
            r = redis.Redis(port=server.port, decode_responses=True)
            self.assertEqual(r.get("s"), "text")
            self.assertGreater(r.ttl("s"), 990)
            self.assertEqual(r.get("n"), "7")
            self.assertEqual(r.json().get("d", "$.a"), [[1, 2]])
            r.close()


if __name__ == "__main__":
    unittest.main()

"""Debian's redis-cli and redis-benchmark, and raw sockets, against the real flod."""

import socket
import subprocess
import unittest

import redis

from flod_server import FlodServer, FlodTestCase


def resp_command(*args):
    out = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def read_until_closed(sock, timeout=5.0):
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return data, False
        if not chunk:
            return data, True
        data += chunk


def read_exactly_lines(sock, count, timeout=10.0):
    """Reads until `count` CRLF-terminated simple replies arrived."""
    sock.settimeout(timeout)
    data = b""
    while data.count(b"\r\n") < count:
        chunk = sock.recv(1 << 20)
        if not chunk:
            break
        data += chunk
    return data


class RedisCliTest(FlodTestCase):
    def setUp(self):
        redis.Redis(port=self.server.port).flushall()

    def test_one_shot_commands(self):
        self.assertEqual(self.cli("SET", "greeting", "hello world"), "OK\n")
        self.assertEqual(self.cli("GET", "greeting"), "hello world\n")
        self.assertEqual(self.cli("INCR", "n"), "1\n")
        self.assertEqual(self.cli("INCRBY", "n", "9"), "10\n")
        self.assertEqual(self.cli("GET", "n"), "10\n")
        self.assertEqual(self.cli("EXISTS", "greeting", "n", "none"), "2\n")
        self.assertEqual(self.cli("TYPE", "n"), "string\n")
        self.assertEqual(self.cli("PING"), "PONG\n")
        self.assertIn("unknown command 'BOGUS'", self.cli("BOGUS", "x"))
        self.assertEqual(self.cli("JSON.SET", "doc", "$", '{"a":[1,2]}'), "OK\n")
        self.assertEqual(self.cli("JSON.GET", "doc", "$.a[0]"), "[1]\n")
        self.assertIn("db0:keys=3", self.cli("INFO", "keyspace"))
        self.assertIn("redis_version:", self.cli("INFO", "server"))

    def test_commands_from_stdin(self):
        out = self.cli(stdin=b"SET a 1\nINCR a\nGET a\nDEL a\n")
        self.assertEqual(out, "OK\n2\n2\n1\n")

    def test_scan_mode_lists_matching_keys(self):
        client = redis.Redis(port=self.server.port)
        client.mset({f"user:{i}": i for i in range(250)})
        client.mset({f"order:{i}": i for i in range(50)})
        keys = self.cli("--scan", "--pattern", "user:*").split()
        self.assertEqual(sorted(keys), sorted(f"user:{i}" for i in range(250)))

    def test_pipe_mode_mass_insertion(self):
        count = 100_000
        payload = b"".join(resp_command("SET", f"mass:{i}", f"value-{i}") for i in range(count))
        out = self.cli("--pipe", stdin=payload)
        self.assertIn(f"errors: 0, replies: {count}", out)
        self.assertEqual(self.cli("DBSIZE"), f"{count}\n")
        self.assertEqual(self.cli("GET", "mass:99999"), "value-99999\n")

    def test_pipe_mode_counts_errors(self):
        payload = resp_command("SET", "a", "1") + resp_command("INCR", "a") + resp_command("NOPE")
        out = self.cli("--pipe", stdin=payload, exit_code=1)  # redis-cli fails when any reply is an error
        self.assertIn("errors: 1, replies: 3", out)

    def test_command_docs_give_redis_cli_its_hints(self):
        out = self.cli("COMMAND", "DOCS", "set")
        self.assertIn("arguments", out)
        self.assertIn("KEEPTTL", out)

    def test_benchmark_runs_without_errors(self):
        result = subprocess.run(["redis-benchmark", "-p", str(self.server.port), "-t",
                                 "set,get,incr,mset", "-n", "2000", "-c", "4", "-q"],
                                capture_output=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout.decode()
        for test in ("SET:", "GET:", "INCR:", "MSET (10 keys):"):
            self.assertIn(test, out)
        self.assertNotIn("rror", out)


class RawSocketTest(FlodTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FlodServer(extra_args=["--max-frame-size", "65536"]).start()

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.server.port), timeout=5)

    def test_inline_commands_as_telnet_sends_them(self):
        with self.connect() as s:
            s.sendall(b"PING\r\nset k \"a b\"\r\nGET k\r\n\r\necho 'x y'\n")
            self.assertEqual(read_exactly_lines(s, 5), b"+PONG\r\n+OK\r\n$3\r\na b\r\n$3\r\nx y\r\n")

    def test_ten_thousand_commands_in_one_write(self):
        batch = b"".join(resp_command("INCR", "raw:counter") for _ in range(10_000))
        with self.connect() as s:
            s.sendall(batch)
            data = read_exactly_lines(s, 10_000)
        expected = b"".join(b":%d\r\n" % i for i in range(1, 10_001))
        self.assertEqual(data, expected)

    def test_split_writes_reassemble(self):
        command = resp_command("SET", "split", b"x\r\ny" * 1000) + resp_command("GET", "split")
        with self.connect() as s:
            for i in range(0, len(command), 7):
                s.sendall(command[i:i + 7])
            data = read_exactly_lines(s, 2 + 1)
        self.assertEqual(data, b"+OK\r\n$%d\r\n%s\r\n" % (4000, b"x\r\ny" * 1000))

    def test_protocol_errors_answer_then_close(self):
        cases = [
            (b"*1\r\n$x\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
            (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
            (b"*1\r\n:5\r\n", b"-ERR Protocol error: expected '$', got ':'\r\n"),
            (b"*1\r\n$70000\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
            (b"set k \"open\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        ]
        for request, reply in cases:
            with self.connect() as s:
                s.sendall(resp_command("PING") + request + resp_command("PING"))
                data, closed = read_until_closed(s)
                self.assertTrue(closed, request)
                self.assertEqual(data, b"+PONG\r\n" + reply, request)

    def test_errors_that_keep_the_framing_keep_the_connection(self):
        with self.connect() as s:
            s.sendall(resp_command("GET") + resp_command("NOPE") + resp_command("MULTI") +
                      resp_command("PING"))
            data = read_exactly_lines(s, 4)
        lines = data.split(b"\r\n")
        self.assertEqual(lines[0], b"-ERR wrong number of arguments for 'get' command")
        self.assertTrue(lines[1].startswith(b"-ERR unknown command 'NOPE'"))
        self.assertTrue(lines[2].startswith(b"-ERR MULTI is not supported by flod"))
        self.assertEqual(lines[3], b"+PONG")

    def test_quit_closes_after_answering(self):
        with self.connect() as s:
            s.sendall(resp_command("PING") + resp_command("QUIT") + resp_command("PING"))
            data, closed = read_until_closed(s)
        self.assertTrue(closed)
        self.assertEqual(data, b"+PONG\r\n+OK\r\n")


if __name__ == "__main__":
    unittest.main()

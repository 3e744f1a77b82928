"""Starts the real flod binary for the RESP integration tests.

The binary comes from FLOD_BINARY (set by ctest); the port is FLOD_PORT when given, else a
free loopback port. Each server gets a fresh data directory unless one is passed in.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import redis


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FlodServer:
    def __init__(self, shards=2, durability="async_flush", data_dir=None, extra_args=()):
        self.binary = os.environ.get("FLOD_BINARY")
        if not self.binary:
            raise RuntimeError("FLOD_BINARY must name the flod binary to test")
        self.shards = shards
        self.durability = durability
        self.extra_args = list(extra_args)
        self._own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="flod-resp-")
        self.port = None
        self.process = None
        self.log_path = os.path.join(self.data_dir, "flod.log")

    def start(self):
        fixed = os.environ.get("FLOD_PORT")
        for _ in range(5):
            self.port = int(fixed) if fixed else free_port()
            args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                    "--data-dir", os.path.join(self.data_dir, "data"), "--shards", str(self.shards),
                    "--durability", self.durability, "--log-level", "warn", *self.extra_args]
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(args, stdout=log, stderr=log)
            if self._wait_ready():
                return self
            self.stop(check=False)
        raise RuntimeError(f"flod did not start; log:\n{self.log()}")

    def _wait_ready(self):
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.02)
        return False

    def stop(self, check=True):
        """SIGTERM and wait; returns the exit code (0 = clean shutdown)."""
        if self.process is None:
            return None
        self.process.terminate()
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process = None
        if check and code != 0:
            raise AssertionError(f"flod exited with {code}; log:\n{self.log()}")
        return code

    def restart(self):
        self.stop()
        return self.start()

    def cleanup(self):
        self.stop(check=False)
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def log(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()


class FlodTestCase(unittest.TestCase):
    """One flod per test class, with redis-py and redis-cli helpers pointed at it."""

    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = FlodServer().start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()  # a non-zero exit fails the class...
        finally:
            cls.server.cleanup()  # ...and still leaves no files behind

    def client(self, **kwargs):
        return redis.Redis(port=self.server.port, decode_responses=True, **kwargs)

    def cli(self, *args, stdin=None, exit_code=0):
        result = subprocess.run(["redis-cli", "-p", str(self.server.port), *args], input=stdin,
                                capture_output=True, timeout=120)
        self.assertEqual(result.returncode, exit_code, result.stderr)
        return result.stdout.decode()

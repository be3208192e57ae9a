"""Request ids and security headers, on every response; no cookie sessions."""

import unittest

from flask import session

from tests.support.app import make_fake_app


class RequestIdTest(unittest.TestCase):
    def setUp(self):
        self.client = make_fake_app().test_client()

    def test_a_valid_incoming_id_is_echoed(self):
        response = self.client.get("/healthz", headers={"X-Request-ID": "abc-123.X_y:z"})
        self.assertEqual(response.headers["X-Request-ID"], "abc-123.X_y:z")

    def test_an_id_is_generated_when_missing_or_unsafe(self):
        for header in ({}, {"X-Request-ID": "a" * 129}, {"X-Request-ID": "bad id<script>"}):
            with self.subTest(header=header):
                request_id = self.client.get("/healthz", headers=header).headers["X-Request-ID"]
                self.assertRegex(request_id, r"^[0-9a-f]{32}$")

    def test_error_responses_carry_the_id_and_security_headers_too(self):
        response = self.client.get("/nowhere", headers={"X-Request-ID": "r1"})
        self.assertEqual(response.headers["X-Request-ID"], "r1")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")


class NoSessionsTest(unittest.TestCase):
    def test_no_session_cookie_is_read_or_set_and_writing_one_raises(self):
        app = make_fake_app()

        @app.get("/remember")
        def remember():
            session["user"] = "someone"
            return "stored"

        client = app.test_client()
        client.set_cookie("session", "anything")
        response = client.get("/healthz")
        self.assertEqual((response.status_code, response.headers.get("Set-Cookie")), (200, None))
        self.assertEqual(client.get("/remember").status_code, 500)

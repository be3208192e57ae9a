"""The access line: one per request, written by the app, with the request's fields."""

import unittest

from tests.support.app import make_fake_app


class AccessLogTest(unittest.TestCase):
    def setUp(self):
        self.client = make_fake_app().test_client()

    def test_a_request_writes_one_line_with_its_fields(self):
        headers = {"User-Agent": 'probe "quoted"', "X-Forwarded-For": "203.0.113.9"}
        with self.assertLogs("access", "INFO") as logs:
            response = self.client.get("/v1/todos/42?note=a", headers=headers)
        [record] = logs.records
        self.assertEqual(record.getMessage(), "GET /v1/todos/42 404")
        fields = dict(record.fields)
        self.assertGreaterEqual(fields.pop("duration_ms"), 0)
        self.assertEqual(
            fields,
            {
                "method": "GET",
                "path": "/v1/todos/42",
                "query": "note=a",
                "status": 404,
                "bytes": len(response.data),
                "remote": "203.0.113.9",
                "user_agent": 'probe "quoted"',
            },
        )

    def test_a_request_refused_before_its_view_is_written_too(self):
        with self.assertLogs("access", "INFO") as logs:
            response = self.client.put("/v1/todos")
        self.assertEqual(response.status_code, 405)
        self.assertEqual([record.fields["status"] for record in logs.records], [405])

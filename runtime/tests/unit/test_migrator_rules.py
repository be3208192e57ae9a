"""The migrator's pure parts: the backoff, what the lint keeps of the rendered SQL, and how
it reads squawk's report."""

import json
import unittest

from shallot_runtime.adapters.migrator.lint import (
    extract_revision_sql,
    parse_squawk_report,
    session_settings,
)
from shallot_runtime.adapters.migrator.settings import MigratorSettings

RENDERED_BASE = """BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL
);

-- Running upgrade  -> 0001

CREATE TABLE todos (id INTEGER);

INSERT INTO alembic_version (version_num) VALUES ('0001');

COMMIT;
"""

RENDERED_AFTER_OTHERS = """BEGIN;

-- Running upgrade 0001 -> 0002

SELECT 2;

COMMIT;

-- Running upgrade 0002 -> 0003

CREATE INDEX CONCURRENTLY ix ON todos (title);
"""


class BackoffTest(unittest.TestCase):
    def test_it_doubles_from_half_a_second_up_to_ten(self):
        settings = MigratorSettings()
        self.assertEqual([settings.backoff(n) for n in range(1, 7)], [0.5, 1, 2, 4, 8, 10])


class RenderedSqlTest(unittest.TestCase):
    def test_alembics_own_table_is_left_out_but_the_transaction_is_kept(self):
        sql = extract_revision_sql(RENDERED_BASE, "0001")
        self.assertNotIn("alembic_version (\n", sql)
        self.assertTrue(sql.startswith("BEGIN;"))
        self.assertIn("CREATE TABLE todos", sql)

    def test_other_revisions_are_left_out_and_autocommit_stays_outside_a_transaction(self):
        sql = extract_revision_sql(RENDERED_AFTER_OTHERS, "0003")
        self.assertNotIn("SELECT 2", sql)
        self.assertTrue(sql.startswith("-- Running upgrade 0002 -> 0003"))

    def test_the_session_timeouts_come_first(self):
        settings = MigratorSettings()
        self.assertEqual(
            session_settings(settings),
            "SET lock_timeout = '2000ms';\nSET statement_timeout = '600000ms';\n",
        )


class SquawkReportTest(unittest.TestCase):
    def test_each_entry_becomes_a_finding_with_its_line_of_sql(self):
        sql = "SET lock_timeout = '2s';\nCREATE INDEX ix ON todos (title);\n"
        report = json.dumps(
            [
                {
                    "file": "migrations/versions/0002_x.py",
                    "line": 1,
                    "column": 0,
                    "level": "Warning",
                    "message": "During normal index creation, table updates are blocked.",
                    "help": "Use CONCURRENTLY.",
                    "rule_name": "require-concurrent-index-creation",
                }
            ]
        )
        [finding] = parse_squawk_report(report, sql, "migrations/versions/0002_x.py")
        self.assertEqual(finding.rule, "require-concurrent-index-creation")
        self.assertEqual(finding.statement, "CREATE INDEX ix ON todos (title);")
        described = finding.describe()
        self.assertIn("migrations/versions/0002_x.py: require-concurrent-index-creation", described)
        self.assertIn('squawk_allow = ("require-concurrent-index-creation",)', described)

    def test_only_the_prefer_rules_are_advice(self):
        report = json.dumps(
            [
                {"rule_name": rule, "line": 0, "message": "m", "help": "h"}
                for rule in ("prefer-robust-stmts", "adding-field-with-default", "ban-drop-column")
            ]
        )
        findings = parse_squawk_report(report, "SELECT 1;", "x.py")
        self.assertEqual([f.blocking for f in findings], [False, True, True])

    def test_an_empty_report_is_no_finding(self):
        self.assertEqual(parse_squawk_report("[]", "", "x.py"), [])
        self.assertEqual(parse_squawk_report("", "", "x.py"), [])

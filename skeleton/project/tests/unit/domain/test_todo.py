import dataclasses
import unittest
from datetime import UTC, datetime

from src.domain.exceptions import RuleViolation
from src.domain.models.todo import TITLE_MAX_LENGTH, Todo, TodoAlreadyCompleted

NOW = datetime(2030, 1, 1, tzinfo=UTC)
LATER = datetime(2030, 1, 2, tzinfo=UTC)


def a_todo(**changes: object) -> Todo:
    """A todo with only its required fields, and CHANGES."""
    values = {
        "title": "Title 1",
        "created_at": NOW,
    }
    return Todo(**{**values, **changes})


class TodoRulesTest(unittest.TestCase):
    def test_what_is_not_given_takes_its_default(self):
        todo = a_todo()
        self.assertEqual(todo.done, False)

    def test_the_values_given_are_kept(self):
        todo = a_todo()
        self.assertEqual(todo.title, "Title 1")
        self.assertEqual(todo.created_at, NOW)

    def test_title_is_trimmed_and_1_to_200_characters_long(self):
        self.assertEqual(a_todo(title=" x\n").title, "x")
        self.assertEqual(len(a_todo(title="x" * TITLE_MAX_LENGTH).title), TITLE_MAX_LENGTH)
        for title in ("", "  ", "x" * (TITLE_MAX_LENGTH + 1)):
            with self.subTest(title=title), self.assertRaises(RuleViolation) as caught:
                a_todo(title=title)
            self.assertEqual(caught.exception.field, "title")

    def test_a_change_keeps_the_rules(self):
        with self.assertRaises(RuleViolation):
            dataclasses.replace(a_todo(), title=" ")


class CompletionTest(unittest.TestCase):
    def test_a_new_todo_is_open(self):
        todo = a_todo()
        self.assertIsNone(todo.completed_at)

    def test_completing_records_when(self):
        todo = a_todo()
        todo.complete(LATER)
        self.assertTrue(todo.done)
        self.assertEqual(todo.completed_at, LATER)

    def test_completing_a_completed_todo_is_a_conflict(self):
        todo = a_todo()
        todo.complete(NOW)
        with self.assertRaises(TodoAlreadyCompleted):
            todo.complete(LATER)
        self.assertEqual(todo.completed_at, NOW)

    def test_reopening_clears_the_completion(self):
        todo = a_todo()
        todo.complete(NOW)
        todo.reopen()
        self.assertFalse(todo.done)
        self.assertIsNone(todo.completed_at)

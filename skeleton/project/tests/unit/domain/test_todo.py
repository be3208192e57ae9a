import unittest
from datetime import UTC, datetime

from src.domain.exceptions import RuleViolation, TodoAlreadyCompleted
from src.domain.models import Todo

NOW = datetime(2030, 1, 1, tzinfo=UTC)
LATER = datetime(2030, 1, 2, tzinfo=UTC)


class TitleRules(unittest.TestCase):
    def test_the_title_is_trimmed(self):
        self.assertEqual(Todo.create("  Buy milk \n", NOW).title, "Buy milk")

    def test_a_blank_title_is_refused(self):
        for title in ("", "   ", "\t\n"):
            with self.subTest(title=title), self.assertRaises(RuleViolation) as caught:
                Todo.create(title, NOW)
            self.assertEqual(caught.exception.field, "title")

    def test_the_title_may_have_200_characters_but_not_201(self):
        self.assertEqual(len(Todo.create("x" * 200, NOW).title), 200)
        with self.assertRaises(RuleViolation):
            Todo.create("x" * 201, NOW)

    def test_the_length_counts_after_trimming(self):
        self.assertEqual(Todo.create(" " + "x" * 200 + " ", NOW).title, "x" * 200)

    def test_renaming_follows_the_same_rules(self):
        todo = Todo.create("Draft", NOW)
        todo.rename("  Final ")
        self.assertEqual(todo.title, "Final")
        with self.assertRaises(RuleViolation):
            todo.rename(" ")
        self.assertEqual(todo.title, "Final")


class Completion(unittest.TestCase):
    def test_a_new_todo_is_open(self):
        todo = Todo.create("Write tests", NOW)
        self.assertFalse(todo.done)
        self.assertIsNone(todo.completed_at)
        self.assertEqual(todo.created_at, NOW)

    def test_completing_records_when(self):
        todo = Todo.create("Write tests", NOW)
        todo.complete(LATER)
        self.assertTrue(todo.done)
        self.assertEqual(todo.completed_at, LATER)

    def test_completing_a_completed_todo_is_a_conflict(self):
        todo = Todo.create("Write tests", NOW)
        todo.complete(NOW)
        with self.assertRaises(TodoAlreadyCompleted):
            todo.complete(LATER)
        self.assertEqual(todo.completed_at, NOW)

    def test_reopening_clears_the_completion(self):
        todo = Todo.create("Write tests", NOW)
        todo.complete(NOW)
        todo.reopen()
        self.assertFalse(todo.done)
        self.assertIsNone(todo.completed_at)

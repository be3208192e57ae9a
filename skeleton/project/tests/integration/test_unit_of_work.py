"""The unit of work on a real PostgreSQL: a use case's writes, and the jobs it enqueues, are
stored together or not at all."""

from datetime import UTC, datetime

from sqlalchemy import func, insert, select, text

from src.domain.models.todo import Todo
from src.infrastructure.models import TodoRecord
from src.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from src.jobs import jobs
from tests.support.database import DatabaseTestCase

NOW = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
HELD_TRANSACTIONS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND state = 'idle in transaction'"
)


class UnitOfWorkTest(DatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.work = SqlAlchemyUnitOfWork(self.engine, jobs)

    def stored(self):
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(TodoRecord))

    def jobs_waiting(self):
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT task_name, args FROM procrastinate_jobs")).all()

    def test_two_writes_and_a_job_are_stored_together_on_commit(self):
        with self.work as work:
            work.todos.add(Todo(title="one", created_at=NOW))
            work.todos.add(Todo(title="two", created_at=NOW))
            work.jobs.enqueue("notify_todo_completed", todo_id=1)
            self.assertEqual(self.stored(), 0, "nothing is visible before the commit")
            self.assertEqual(self.jobs_waiting(), [])
            work.commit()
        self.assertEqual(self.stored(), 2)
        self.assertEqual(self.jobs_waiting(), [("notify_todo_completed", {"todo_id": 1})])

    def test_leaving_without_a_commit_stores_nothing(self):
        with self.assertRaises(RuntimeError), self.work as work:
            work.todos.add(Todo(title="one", created_at=NOW))
            work.jobs.enqueue("notify_todo_completed", todo_id=1)
            raise RuntimeError("the second write failed")
        self.assertEqual(self.stored(), 0)
        self.assertEqual(self.jobs_waiting(), [], "no job either")


class UnitOfWorkForReadsTest(DatabaseTestCase):
    """On an engine in autocommit, as the app's reads are: no transaction is held open."""

    def setUp(self):
        super().setUp()
        with self.engine.begin() as connection:
            connection.execute(insert(TodoRecord).values(title="one", done=False, created_at=NOW))

    def transactions_held_after_a_read(self, engine):
        with SqlAlchemyUnitOfWork(engine, jobs) as work:
            self.assertEqual(work.todos.get(1).title, "one")
            with self.engine.connect() as observer:
                return observer.scalar(text(HELD_TRANSACTIONS))

    def test_a_read_in_autocommit_holds_no_transaction(self):
        read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.assertEqual(self.transactions_held_after_a_read(read_engine), 0)

    def test_a_read_in_a_transaction_holds_it_until_the_end(self):
        self.assertEqual(self.transactions_held_after_a_read(self.engine), 1)

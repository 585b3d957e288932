"""Background tasks (Django's tasks framework) run in a small in-process thread pool.

Django ships only the immediate and dummy backends. Hamafza's long jobs (imports,
recomputations) must not hold a request, and the embedded default must need no extra
service, so this backend runs each task in a worker thread of the app process once the
enqueuing transaction commits. A job records its own progress and outcome in the database,
so any process can show it. Tests use the immediate backend.
"""

from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connections, transaction
from django.tasks.backends.immediate import ImmediateBackend
from django.tasks.base import TaskResult, TaskResultStatus
from django.utils.crypto import get_random_string

_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hamafza-task")


class ThreadBackend(ImmediateBackend):
    def _run(self, task_result) -> None:
        close_old_connections()
        try:
            self._execute_task(task_result)
        finally:
            connections.close_all()

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)

        task_result = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        transaction.on_commit(lambda: _pool.submit(self._run, task_result))
        return task_result

"""The Celery application of the scaled-out mode (workers on Redis, records on PostgreSQL).

Run a worker with `donthu worker` (or `celery -A ingest.celery_app worker -Q intake,archive`). The three
tasks here are thin wrappers of the steps in `ingest.distributed` (page-level fan-out over the same
pipeline functions as the embedded mode).

Delivery guarantees, all configured here:
* `acks_late` + `task_reject_on_worker_lost`: a message is acknowledged only when its task has finished; a
  worker process that dies (SIGKILL, OOM killer) gives its message back to the queue.
* `worker_prefetch_multiplier = 1`: a worker process holds one message at a time, so nothing waits
  behind a long task and a killed worker strands nothing but the task it was running.
* Redis `visibility_timeout`: the message of a worker that vanished entirely (machine lost, whole worker
  killed) is delivered again after this many seconds; it must exceed the longest task (one page) plus the
  longest retry countdown.
* two queues, "intake" (new letters) and "archive" (backfills); with the Redis broker a worker consuming
  both polls them in a fixed order (`queue_order_strategy: priority`), intake first, so intake work
  overtakes a running archive backfill at the next task boundary;
* message priorities (`ingest.distributed.task_priority`, Redis priority lists): a document's finish before
  pages, pages before planning the next document, so the documents of a batch are done one after another
  while it runs (searchable, their page results freed) rather than all at its end.
* transient faults (database operational errors, broker/index connection errors) are retried with
  exponential backoff and jitter; a task out of retries marks its document failed. A document or page that
  keeps killing its worker is given up after `DONTHU_MAX_ATTEMPTS` deliveries (see `ingest.distributed`).

Environment (read once, here, by `donthu.config.load_scale_settings`): DONTHU_BROKER_URL (default
redis://127.0.0.1:6379/0), DONTHU_RESULT_BACKEND (default: the broker URL), DONTHU_QUEUE_PREFIX (prefix of
both queue names, for sharing one Redis), DONTHU_VISIBILITY_TIMEOUT (s, default 900),
DONTHU_UNACKED_RESTORE_INTERVAL (s, default 10), DONTHU_MAX_ATTEMPTS (default 3), DONTHU_RETRY_MAX (default
6), DONTHU_RETRY_BACKOFF_MAX (s, default 300). Everything else (database, data dir, index) comes from
`donthu.config.load_settings()`.
"""

from __future__ import annotations

import logging

import elastic_transport
import kombu.exceptions
import redis.exceptions
from celery import Celery, Task, signals
from kombu import Exchange, Queue
from sqlalchemy.exc import InterfaceError, OperationalError

from ingest import distributed
from ingest.distributed import DOCUMENT, FINISH, PAGE, ScaleSettings, load_scale_settings

log = logging.getLogger(__name__)

#: faults worth retrying: the database, the broker or the index unreachable for a while
TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError, kombu.exceptions.OperationalError, redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError, elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout,
    ConnectionError, TimeoutError,
)


def make_app(scale: ScaleSettings) -> Celery:
    """A Celery app for these settings (the workers' is `app`; a client may make one for another broker)."""
    app = Celery("donthu", broker=scale.broker_url, backend=scale.result_backend)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_queues=[Queue(name, Exchange(name, type="direct"), routing_key=name)
                     for name in (scale.intake_queue, scale.archive_queue)],
        task_default_queue=scale.archive_queue,
        task_default_priority=distributed.task_priority(DOCUMENT, scale.archive_queue, scale),
        task_create_missing_queues=False,
        broker_transport_options={
            "visibility_timeout": scale.visibility_timeout,
            "queue_order_strategy": "priority",  # poll the queues in the order declared: intake first
            "priority_steps": list(distributed.PRIORITY_STEPS),  # finish, page, document; intake first
            "unacked_restore_interval": scale.unacked_restore_interval,
            "unacked_restore_throttle": 1,
        },
        result_backend_transport_options={"visibility_timeout": scale.visibility_timeout},
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_track_started=True,
        worker_hijack_root_logger=False,
    )
    app.conf.donthu_scale = scale
    return app


scale_settings = load_scale_settings()
app = make_app(scale_settings)


def send_many(name: str, args_list: list[tuple], queue: str) -> None:
    """Enqueue `name` once per argument tuple on `queue`, over one producer connection."""
    priority = distributed.task_priority(name, queue, scale_settings)
    with app.producer_or_acquire() as producer:
        for args in args_list:
            app.send_task(name, args, queue=queue, producer=producer, priority=priority)


class DonthuTask(Task):
    """Retries transient faults with exponential backoff; a task that still fails marks its document."""

    autoretry_for = TRANSIENT
    retry_backoff = 2
    retry_backoff_max = scale_settings.retry_backoff_max
    retry_jitter = True
    max_retries = scale_settings.retry_max
    acks_late = True
    reject_on_worker_lost = True

    def queue_name(self) -> str | None:
        """The queue this message came from (its routing key): follow-up tasks go to the same queue."""
        return (self.request.delivery_info or {}).get("routing_key")

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        document_id = args[0] if args else kwargs.get("document_id")
        if document_id is None:
            return
        retried = f" after {self.request.retries} retries" if self.request.retries else ""
        try:
            distributed.fail_document(document_id, f"internal error{retried}: {type(exc).__name__}: {exc}")
        except Exception:  # noqa: BLE001 - the database itself may be what is down
            log.exception("could not mark document %s failed", document_id)


@app.task(base=DonthuTask, name=DOCUMENT, bind=True)
def document_task(self: DonthuTask, document_id: int) -> str:
    """Plan a document: check it, count its pages, one page task per page."""
    return distributed.plan_document(document_id, self.queue_name() or scale_settings.archive_queue,
                                     scale_settings, send_many)


@app.task(base=DonthuTask, name=PAGE, bind=True)
def page_task(self: DonthuTask, document_id: int, number: int) -> str:
    """Read one page; the last page of a document enqueues its finish."""
    return distributed.read_document_page(document_id, number, self.queue_name(), scale_settings, send_many,
                                          TRANSIENT)


@app.task(base=DonthuTask, name=FINISH, bind=True)
def finish_task(self: DonthuTask, document_id: int) -> str:
    """Join the pages, understand, save and index the document."""
    return distributed.finish_document(document_id)


@signals.worker_process_init.connect
def _warm_up_process(**_kwargs) -> None:
    """Each worker process (after the fork) opens its own connections and loads the models once.

    The parallelism of a worker is its processes (`--concurrency`, and more workers): each one reads with one
    thread (Tesseract's OpenMP threads and OpenCV's pool would otherwise oversubscribe the cores). An
    OMP_THREAD_LIMIT set in the environment wins."""
    from ingest.tasks import one_thread_per_process, warm_up

    one_thread_per_process()

    try:
        warm_up(distributed.worker_settings())
    except Exception:  # noqa: BLE001 - e.g. the database not up yet: tasks retry, the process must live
        log.exception("warm-up failed; connections will be opened by the first task")

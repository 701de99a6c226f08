"""Message priorities of the scale-out tasks (pure: no broker needed); their effect on a real worker is
tested in test_celery.py (documents of a batch done one after another, intake before archive)."""

from ingest.distributed import DOCUMENT, FINISH, PAGE, PRIORITY_STEPS, ScaleSettings, task_priority

SCALE = ScaleSettings(queue_prefix="p-")


def test_within_a_queue_finish_before_pages_before_planning():
    for queue in (SCALE.intake_queue, SCALE.archive_queue):
        finish, page, plan = (task_priority(name, queue, SCALE) for name in (FINISH, PAGE, DOCUMENT))
        assert finish < page < plan  # on Redis the lower number is taken first


def test_every_intake_task_before_every_archive_task():
    intake = [task_priority(n, SCALE.intake_queue, SCALE) for n in (FINISH, PAGE, DOCUMENT)]
    archive = [task_priority(n, SCALE.archive_queue, SCALE) for n in (FINISH, PAGE, DOCUMENT)]
    assert max(intake) < min(archive)


def test_every_priority_is_a_level_of_its_own():
    """kombu rounds a priority down to a declared step: each task kind needs a step of its own."""
    used = [task_priority(n, q, SCALE) for n in (FINISH, PAGE, DOCUMENT)
            for q in (SCALE.intake_queue, SCALE.archive_queue)]
    assert sorted(used) == list(PRIORITY_STEPS)


def test_the_app_declares_the_steps_and_a_default_for_messages_sent_without_one():
    from ingest.celery_app import make_app

    app = make_app(SCALE)
    assert app.conf.broker_transport_options["priority_steps"] == list(PRIORITY_STEPS)
    assert app.conf.broker_transport_options["queue_order_strategy"] == "priority"
    assert app.conf.task_default_priority == task_priority(DOCUMENT, SCALE.archive_queue, SCALE)

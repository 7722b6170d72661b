"""Messages in a plan, among those with access to the messages section. The notification says
only that there is a new message in ipplan, with a link."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.notifications import notify_user
from consent.policy import people_who_can, plan_access
from coordination.models import Message, MessageThread, ThreadRead
from ipplan import ratelimit
from plans.sections import Action, Section
from plans.services.common import access_for, record_change


def _notify_readers(thread: MessageThread, author) -> None:
    """One e-mail per reader until they have read the thread again: no flood per message."""
    link = reverse("coordination:thread", args=[thread.plan_id, thread.pk])
    reads = dict(ThreadRead.objects.filter(thread=thread).values_list("user_id", "last_read_at"))
    for person in people_who_can(thread.plan, Section.MESSAGES):
        if person.user.pk == author.pk or not person.user.is_active:
            continue
        seen = reads.get(person.user.pk)
        notify_user(
            user=person.user,
            kind="new_message",
            link=link,
            dedupe_key=f"message:{thread.pk}:{person.user.pk}:{seen or 'never'}",
        )


@transaction.atomic
def thread_start(*, plan, subject: str, body: str, acting_user) -> MessageThread:
    access = access_for(acting_user, plan, lambda a: a.can_write(Section.MESSAGES))
    ratelimit.hit("message", acting_user.pk)
    thread = MessageThread.objects.create(plan=plan, subject=subject, created_by=acting_user)
    message = Message.objects.create(thread=thread, author=acting_user, body=body)
    ThreadRead.objects.create(thread=thread, user=acting_user, last_read_at=message.created_at)
    record_change(
        access,
        thread,
        gettext_noop("Ny meldingstråd: %(subject)s"),
        params={"subject": subject},
        action=Action.CREATE,
    )
    _notify_readers(thread, acting_user)
    return thread


@transaction.atomic
def message_post(*, thread: MessageThread, body: str, acting_user) -> Message:
    access = access_for(acting_user, thread.plan, lambda a: a.can_write(Section.MESSAGES))
    ratelimit.hit("message", acting_user.pk)
    message = Message.objects.create(thread=thread, author=acting_user, body=body)
    MessageThread.objects.filter(pk=thread.pk).update(last_message_at=message.created_at)
    ThreadRead.objects.update_or_create(
        thread=thread, user=acting_user, defaults={"last_read_at": message.created_at}
    )
    record_change(
        access,
        message,
        gettext_noop("Ny melding i «%(subject)s»"),
        params={"subject": thread.subject},
        action=Action.CREATE,
    )
    _notify_readers(thread, acting_user)
    return message


def thread_mark_read(*, thread: MessageThread, user) -> None:
    """Reading is logged by the view; this only moves the user's unread marker."""
    if plan_access(user, thread.plan).can_read(Section.MESSAGES):
        ThreadRead.objects.update_or_create(
            thread=thread, user=user, defaults={"last_read_at": timezone.now()}
        )

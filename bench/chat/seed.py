"""bench.chat's data: one team with a CS member, N shoppers each with an open conversation, and a logged-in session
for every shopper and for the CS member. Run inside Django (`python -m bench.chat.seed N OUT.json`); rows are
bulk-created under a "bench-chat" prefix and replaced on every run."""

import json
import sys

import django


def seed(count: int) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from crm.models import Conversation, Message, Team, TeamMember

    unusable = make_password(None)
    Conversation.objects.filter(team__slug="bench-chat").delete()
    User.objects.filter(username__startswith="bench-chat-").delete()
    team, _ = Team.objects.get_or_create(slug="bench-chat", defaults={"name": "벤치 상담팀"})
    staff = User.objects.create_user(username="bench-chat-cs", password=None, nickname="상담원", is_staff=True)
    TeamMember.objects.create(team=team, user=staff, role=TeamMember.Role.CS)
    shoppers = User.objects.bulk_create(
        [User(username=f"bench-chat-{n}", nickname=f"손님{n}", password=unusable) for n in range(count)]
    )
    conversations = Conversation.objects.bulk_create(
        [
            Conversation(customer=u, team=team, assignee=staff, last_seq=1, last_message_excerpt="안녕하세요")
            for u in shoppers
        ]
    )
    Message.objects.bulk_create(
        [
            Message(conversation=c, seq=1, sender_kind="customer", sender_id=c.customer_id, body="안녕하세요")
            for c in conversations
        ]
    )

    def session(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    staff_session = session(staff)
    return {
        "staff_session": staff_session,
        "conversations": [{"id": c.pk, "session": session(c.customer)} for c in conversations],
    }


if __name__ == "__main__":
    django.setup()
    with open(sys.argv[2], "w") as out:
        json.dump(seed(int(sys.argv[1])), out)

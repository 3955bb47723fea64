"""Default time slots and greetings, so a fresh mall greets people warmly before any admin edits."""

from django.db import migrations

TIME_SLOTS = [
    ("dawn", "새벽", 0, 6),
    ("morning", "아침", 6, 11),
    ("lunch", "점심", 11, 14),
    ("afternoon", "오후", 14, 18),
    ("evening", "저녁", 18, 22),
    ("night", "밤", 22, 24),
]

# (name, template, audience, audience_days, priority, slots)
GREETINGS = [
    ("생일 축하", "{nickname}님, 생일 축하해요! 오늘은 {shop}에서 제일 먼저 축하할게요", "birthday", None, 100, []),
    ("가입 첫날", "{nickname}님, 오늘부터 우리 1일이네요. 반가워요!", "day_one", None, 90, []),
    ("100일마다", "{nickname}님과 함께한 지 {days_together}일이에요. 늘 고마워요", "every_100th_day", None, 80, []),
    ("오랜만이에요", "{nickname}님, 오랜만이에요! 다시 와 주셔서 반가워요", "back_after", 30, 70, []),
    ("아침 인사", "{nickname}님, 좋은 아침이에요. 오늘도 힘내요", "members", None, 10, ["morning"]),
    ("점심 인사", "{nickname}님, 점심은 맛있게 드셨어요?", "members", None, 10, ["lunch"]),
    ("오후 인사", "{nickname}님, 나른한 오후엔 잠깐 구경하고 가세요", "members", None, 10, ["afternoon"]),
    ("저녁 인사", "{nickname}님, 오늘 하루도 수고했어요", "members", None, 10, ["evening"]),
    ("늦은 밤 인사", "{nickname}님, 늦은 시간까지 고생 많았어요. 푹 쉬어요", "members", None, 10, ["night", "dawn"]),
    ("아침 손님 인사", "좋은 아침이에요! {shop}에 오신 걸 환영해요", "anonymous", None, 5, ["morning"]),
    ("손님 인사", "어서 오세요, 동네 이웃들이 꾸려 가는 {shop}에 잘 오셨어요", "anonymous", None, 1, []),
    ("기본 인사", "{nickname}님, 오늘도 반가워요", "members", None, 0, []),
]


def seed(apps, schema_editor):
    TimeSlot = apps.get_model("feed", "TimeSlot")
    Greeting = apps.get_model("feed", "Greeting")
    slots = {}
    for key, name, start, end in TIME_SLOTS:
        slots[key], _created = TimeSlot.objects.update_or_create(
            key=key, defaults={"name": name, "start_hour": start, "end_hour": end}
        )
    for name, template, audience, days, priority, slot_keys in GREETINGS:
        greeting, _created = Greeting.objects.update_or_create(
            name=name,
            defaults={"template": template, "audience": audience, "audience_days": days, "priority": priority},
        )
        greeting.time_slots.set([slots[key] for key in slot_keys])


def unseed(apps, schema_editor):
    apps.get_model("feed", "Greeting").objects.filter(name__in=[g[0] for g in GREETINGS]).delete()
    apps.get_model("feed", "TimeSlot").objects.filter(key__in=[s[0] for s in TIME_SLOTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("feed", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

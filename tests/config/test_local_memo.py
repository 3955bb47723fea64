"""config.local_memo: a process keeps small shared values a few seconds, and its own edits show at once."""

from config import local_memo


def test_a_value_is_loaded_once_while_it_is_fresh():
    loads = []

    def load():
        loads.append(1)
        return "v1"

    assert local_memo.get("catalog:version", load) == "v1"
    assert local_memo.get("catalog:version", load) == "v1"
    assert len(loads) == 1


def test_an_expired_value_is_loaded_again():
    assert local_memo.get("k", lambda: "old", seconds=0) == "old"
    assert local_memo.get("k", lambda: "new") == "new"


def test_this_process_sees_its_own_edit_at_once():
    local_memo.get("k", lambda: "old")
    local_memo.set("k", "edited")
    assert local_memo.get("k", lambda: "reloaded") == "edited"
    local_memo.forget("k")
    assert not local_memo.has("k")
    assert local_memo.get("k", lambda: "reloaded") == "reloaded"


def test_peek_gives_a_fresh_value_and_loads_nothing():
    assert local_memo.peek("k") is None
    local_memo.set("k", "v1", seconds=0)
    assert local_memo.peek("k") is None
    local_memo.set("k", "v2")
    assert local_memo.peek("k") == "v2"


def test_the_memo_never_grows_past_its_bound(monkeypatch):
    monkeypatch.setattr(local_memo, "MAX_ENTRIES", 3)
    for n in range(10):
        local_memo.get(f"k{n}", lambda n=n: n)
    assert len(local_memo._entries) <= 3
    assert local_memo.get("k9", lambda: "reloaded") == 9

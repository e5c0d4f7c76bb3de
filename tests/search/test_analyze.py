"""Text analysis: the same terms for notes and queries, whatever the language or script width."""

from __future__ import annotations

from paperdex.search.analyze import (
    analyze,
    fold,
    match_spans,
    query_terms,
    terms,
    title_acronyms,
    url_words,
)


def test_chinese_two_character_words_are_terms():
    note = "整合一些插帧算法的光流估计设计思路，多尺度多阶段地去把目标帧到输入帧的光流估计出来"
    found = terms(note)
    assert "光流" in found
    assert "估计" in found
    assert found.count("光流") == 2  # term frequency is kept for bm25
    assert "的" not in found  # function words are stopwords


def test_russian_and_english_are_stemmed_the_same_way_for_notes_and_queries():
    assert terms("обучения")[0] == terms("обучение")[0]
    assert terms("диалоговой задаче") != []
    assert query_terms("Learning generations") == terms("learned generation")
    assert "the" not in " ".join(terms("the optical flows"))


def test_folding_case_width_diacritics_and_yo():
    assert fold("ＲＩＦＥ") == "rife"
    assert terms("Café naïve") == terms("cafe naive")
    assert terms("ещё") == terms("еще")
    # Cyrillic й is a letter of its own, not и with a diacritic.
    assert fold("йод") == "йод"


def test_arxiv_ids_stay_one_term_and_mixed_names_stay_whole():
    assert "2310.17596" in terms("arXiv preprint arXiv:2310.17596.")
    assert terms("DreamerV3 and GMFlow") == ["dreamerv3", "gmflow"]


def test_query_of_stopwords_only_still_searches_something():
    assert query_terms("the of") == ["the", "of"]
    assert query_terms("光流 光流 optical") == ["光流", "optic"]


def test_acronyms_from_capitalised_runs_of_titles():
    assert "rife" in title_acronyms("Real-Time Intermediate Flow Estimation for Video Frame Interpolation")
    assert "vfi" in title_acronyms("Real-Time Intermediate Flow Estimation for Video Frame Interpolation")
    ilql = "Offline RL for Natural Language Generation with Implicit Language Q Learning"
    assert "ilql" in title_acronyms(ilql)
    assert title_acronyms("a study of things") == []
    assert title_acronyms(None) == []


def test_url_words_keep_the_distinctive_part_of_a_path():
    assert url_words("https://danijar.com/project/dreamerv3/") == ["dreamerv3"]
    assert "2011.06294" in url_words("https://arxiv.org/pdf/2011.06294.pdf")


def test_match_spans_point_into_the_original_text():
    text = "重新审视了以往的光流插帧中的流估计，Ｏptical Flows matter"
    wanted = set(query_terms("光流 optical flow"))
    spans = match_spans(text, wanted)
    assert [text[a:b] for a, b in spans] == ["光流", "Ｏptical", "Flows"]


def test_analyze_empty():
    assert analyze("") == ""
    assert analyze(None) == ""

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


def test_japanese_lines_are_segmented_into_whole_words():
    # jieba's Chinese dictionary cut these into 翻/訳 and 強/化学/習; MeCab keeps the words whole.
    note = "再帰も畳み込みも使わず、注意機構だけで翻訳するモデル。強化学習の論文ではない"
    found = terms(note)
    for word in ("再帰", "畳み込み", "注意", "機構", "翻訳", "モデル", "強化", "学習", "論文"):
        assert word in found, word
    assert "化学" not in found  # "chemistry", a piece of 強化学習 cut at the wrong place
    assert not [t for t in found if t in ("も", "の", "だけ", "する", "ない")]  # grammar is no term
    assert "使う" in found  # 使わ, an inflection, is searched by its dictionary form


def test_katakana_runs_stay_one_word_in_japanese_lines():
    assert "オフライン" in terms("オフライン強化学習で対話を学ぶ")  # not オフ + ライン
    assert terms("アテンション") == terms("アテンションを使う")[:1]


def test_chinese_lines_still_go_to_jieba_next_to_japanese_ones():
    found = terms("强化学习的对话模型\n強化学習による対話モデル")
    assert {"强化", "学习", "对话", "模型"} <= set(found)
    assert {"強化", "学習", "対話", "モデル"} <= set(found)


def test_kanji_only_japanese_is_segmented_as_japanese_when_asked_or_when_not_simplified_chinese():
    assert terms("強化学習", japanese=True) == ["強化", "学習"]
    # A query of kanji alone may be Japanese (習 is not simplified Chinese): both segmentations.
    assert {"強化", "学習"} <= set(query_terms("強化学習"))
    assert query_terms("强化学习") == ["强化", "学习"]  # simplified Chinese: jieba alone


def test_japanese_highlights_are_whole_words():
    text = "論文：オフライン強化学習で翻訳モデルを学ぶ"
    spans = match_spans(text, set(query_terms("翻訳するモデル")))
    assert [text[a:b] for a, b in spans] == ["翻訳", "モデル"]


def test_korean_particles_and_endings_are_cut_off_the_same_way_in_notes_and_queries():
    note = "확산 모델로 로봇의 행동을 생성하는 정책을 점진적으로 학습한다"
    assert terms(note) == ["확산", "모델", "로봇", "행동", "생성", "정책", "점진적", "학습"]
    assert query_terms("로봇 행동 생성") == ["로봇", "행동", "생성"]
    # Two syllables at least stay: 효과 (effect) is not 효 + the particle 과, nor 작은 (small) 작 + 은.
    assert terms("효과 결과 작은") == ["효과", "결과", "작은"]
    text = "모델의 구조를 바꾼다"
    assert [text[a:b] for a, b in match_spans(text, {"모델"})] == ["모델의"]  # the whole word lights up

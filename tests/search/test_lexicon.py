"""The ML terminology lexicon: what it finds in queries of five languages, and keyword search across scripts."""

from __future__ import annotations

import json

import pytest

from paperdex.library.db import Library
from paperdex.search import engine, lexicon
from paperdex.search.engine import search
from tests.search.conftest import import_into

DREAMER = "Mastering Diverse Domains through World Models"
ILQL = "Offline RL for Natural Language Generation with Implicit Language Q Learning"


def english(query: str) -> str:
    return lexicon.expand(query).gloss


def test_shipped_lexicon_is_large_and_every_line_has_five_languages():
    lex = lexicon.lexicon()
    assert len(lex.concepts) >= 400
    for concept in lex.concepts:
        assert concept.forms["en"], concept
        assert sum(1 for lang in lexicon.LANGUAGES if concept.forms[lang]) == 5, concept


def test_chinese_japanese_korean_russian_terms_become_english():
    assert english("图卷积网络做半监督节点分类") == (
        "graph convolutional network semi-supervised learning node classification")
    assert "diffusion model" in english("ノイズを少しずつ取り除く拡散モデル")
    # Korean spacing varies; both spellings are one term.
    assert english("강화 학습") == english("강화학습") == "reinforcement learning"
    # Russian inflection: the plural adjective and noun meet the lexicon's singular.
    assert english("диффузионные модели") == "diffusion model"
    assert english("обучения с подкреплением") == "reinforcement learning"


def test_longest_term_wins_and_each_character_is_used_once():
    found = [c.english for c in lexicon.expand("离线强化学习").concepts]
    assert found == ["offline reinforcement learning"]  # not also "reinforcement learning" / "learning"


def test_a_form_with_a_single_letter_needs_the_letter():
    # Q-learning, U-Net, k-means: dropping the letter would make them "learning", "net", "mean".
    assert [c.english for c in lexicon.expand("learning to see").concepts] == ["learning"]
    assert "q-learning" in [c.english for c in lexicon.expand("Q-learning for Atari").concepts]
    assert "q-learning" not in [c.english for c in lexicon.expand("обучение без учителя").concepts]
    assert "u-net" in lexicon.expand("a U-Net for segmentation").gloss
    assert "u-net" not in lexicon.expand("a net for fish").gloss
    text = "Q-learning\tQ学习\tQ-обучение\tQ学習\tQ러닝\nlearning\t学习\tобучение\t学習\t학습\n"
    small = lexicon.parse(text)  # forms analysed now, as when the TSV is compiled
    assert [c.english for c in lexicon.expand("deep learning", small).concepts] == ["learning"]
    assert [c.english for c in lexicon.expand("Q-learning", small).concepts] == ["Q-learning"]


def test_a_negation_is_part_of_the_phrase():
    """"без" (without) is a stopword for the index, but unsupervised is not supervised learning."""
    text = ("supervised learning\t监督学习\tобучение с учителем\t教師あり学習\t지도 학습\n"
            "unsupervised learning\t无监督学习\tобучение без учителя\t教師なし学習\t비지도 학습\n"
            "zero-shot\t零样本\tбез примеров\tゼロショット\t제로샷\n")
    small = lexicon.parse(text)
    assert lexicon.expand("кластеризация: обучение без учителя", small).gloss == "unsupervised learning"
    assert lexicon.expand("обучение с учителем на разметке", small).gloss == "supervised learning"
    assert lexicon.expand("нормализация внутри одного примера", small).gloss == ""  # not zero-shot
    assert lexicon.expand("обучение без учителя").gloss == "unsupervised learning"  # the shipped one


def test_a_korean_match_across_a_space_starts_at_a_word():
    text = "fixed\t固定\tфиксированный\t固定\t고정\nreinforcement learning\t强化学习\tобучение с подкреплением\t強化学習\t강화 학습\n"
    small = lexicon.parse(text)
    assert lexicon.expand("빠르고 정확한 탐지기", small).gloss == ""  # 빠르고 + 정확: no 고정 ("fixed")
    assert lexicon.expand("강화 학습으로 로봇 제어", small).gloss == "reinforcement learning"
    assert lexicon.expand("심층강화학습", small).gloss == "reinforcement learning"  # inside one word
    assert lexicon.expand("고정 길이", small).gloss == "fixed"


KD = "knowledge distillation\t知识蒸馏\tдистилляция знаний\t知識蒸留\t지식 증류\n"


def test_a_concept_counts_once_in_the_script_a_row_matches_it_best():
    small = lexicon.parse(KD)
    found = lexicon.expand("知识蒸馏 学生", small)
    assert found.groups == [[["knowledg", "distil"], ["知识", "蒸馏", "知識", "蒸留"], ["дистилляц", "знан"],
                             ["지식", "증류"]]]
    assert found.weighs_apart()
    # A row that says it in English and in Chinese counts the better of the two, not both.
    assert found.score({"knowledg": 1.0, "distil": 1.0, "知识": 0.5, "蒸馏": 0.5}) == pytest.approx(2.0)
    # Terms outside every concept (学生) add up as before.
    assert found.score({"知识": 0.5, "蒸馏": 0.5, "学生": 1.2}) == pytest.approx(2.2)
    assert not lexicon.expand("RIFE interpolation", small).weighs_apart()


def test_a_note_that_is_the_query_beats_a_mention_in_two_scripts(library_url, tmp_path, monkeypatch):
    """The survey says "knowledge distillation（知识蒸馏）" and nothing else of the query; summed over
    scripts, that outranked the paper whose Chinese note is about exactly the student."""
    monkeypatch.setattr(lexicon, "lexicon", lambda: lexicon.parse(KD))
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "compression.md").write_text(
        "# 阅读笔记\n\n## 压缩\n"
        "* [A Survey on Model Compression](https://arxiv.org/abs/2308.07633)\n"
        "  * knowledge distillation（知识蒸馏）一章写得最清楚\n"
        "* [Born-Again Neural Networks](https://arxiv.org/abs/1805.04770)\n"
        "  * 知识蒸馏：学生与教师结构相同，学生反而超过教师\n"
        "* [Pruning Filters for Efficient ConvNets](https://arxiv.org/abs/1608.08710)\n"
        "  * 剪枝卷积核\n", encoding="utf-8")
    lib = Library(library_url)
    try:
        import_into(lib, [folder])
        assert [r.arxiv_id for r in search(lib, "知识蒸馏 学生", mode="keyword")] == ["1805.04770", "2308.07633"]
        monkeypatch.setattr(lexicon.Expansion, "weighs_apart", lambda self: False)  # summed, as before
        assert [r.arxiv_id for r in search(lib, "知识蒸馏 学生", mode="keyword")] == ["2308.07633", "1805.04770"]
    finally:
        lib.close()


def test_a_one_character_piece_of_a_form_is_no_translation():
    """解像度 is segmented 解像 + 度; 度 alone (degree, -ness) is in countless unrelated words."""
    small = lexicon.parse("resolution\t分辨率\tразрешение\t解像度\t해상도\n")
    found = lexicon.expand("high resolution images", small)
    assert "解像" in found.terms and "分辨率" in found.terms and "度" not in found.terms
    assert all("度" not in script for group in found.groups for script in group)
    own = lexicon.expand("解像度の高い画像", small)  # the query's own piece is still searched
    assert any("度" in script for group in own.groups for script in group)


def test_a_form_two_lines_share_is_searched_in_both_and_named_once():
    text = ("forecasting\t预测\tпрогнозирование\t予測\t예측\n"
            "prediction\t预测\tпредсказание\t予測\t예측\n")
    small = lexicon.parse(text)
    found = lexicon.expand("时间序列预测", small)
    assert [c.english for c in found.concepts] == ["forecasting", "prediction"]
    assert "прогнозирован" in found.terms and "предсказан" in found.terms
    assert found.gloss == "forecasting"  # the first line's name only


def test_english_query_gains_terms_of_other_languages():
    extra = lexicon.expand("knowledge distillation").terms
    assert "蒸馏" in extra and "дистилляц" in extra and "지식" in extra
    assert "distil" not in extra  # the query's own terms are not repeated


def test_query_without_known_terms_expands_to_nothing():
    found = lexicon.expand("RIFE 2011.06294")
    assert found.concepts == [] and found.terms == [] and found.gloss == ""


def test_malformed_line_is_a_clear_error():
    with pytest.raises(ValueError, match="line 2: 3 columns, expected 5"):
        lexicon.parse("# header\nmodel\t模型\tмодель\n")


def test_compiled_lexicon_matches_the_tsv_and_the_analyser():
    """The shipped compiled lexicon must be what the TSV and today's analyser give (else regenerate
    it with `python -m paperdex.search.lexicon`)."""
    shipped = json.loads(lexicon.COMPILED.read_text(encoding="utf-8"))
    fresh = lexicon.compiled(lexicon.parse(lexicon.DATA.read_text(encoding="utf-8")))
    assert shipped == json.loads(json.dumps(fresh, ensure_ascii=False))
    loaded = lexicon.lexicon()
    assert loaded.by_terms == lexicon.from_compiled(fresh).by_terms


def test_japanese_query_finds_paper_described_in_chinese_and_english(own_lib, monkeypatch):
    # 強化学習 (Japanese kanji) is not 强化学习 (simplified Chinese): only translation connects them.
    monkeypatch.setattr(engine, "TRANSLATE", False)
    assert search(own_lib, "オフライン強化学習", mode="keyword") == []
    monkeypatch.setattr(engine, "TRANSLATE", True)
    results = search(own_lib, "オフライン強化学習", mode="keyword")
    assert results[0].title == ILQL


def test_english_query_reaches_a_russian_note(own_lib, monkeypatch):
    # "imagination" is in no title; the Russian note says "в воображении модели".
    monkeypatch.setattr(engine, "TRANSLATE", False)
    assert search(own_lib, "imagination", mode="keyword") == []
    monkeypatch.setattr(engine, "TRANSLATE", True)
    results = search(own_lib, "imagination", mode="keyword")
    assert [r.title for r in results] == [DREAMER]
    assert "«воображении»" in results[0].snippet  # the translation is what is marked


def test_common_translated_words_still_find_the_paper(library_url, tmp_path):
    """A library with many diffusion papers: "diffusion" is in more than 2% of rows (once a reason to
    drop it from the translation), and it is still what ranks the one title with "denoising" and
    "diffusion" above a shorter title with "denoising" alone."""
    folder = tmp_path / "diffusion"
    folder.mkdir()
    lines = ["# Diffusion reading list", ""]
    lines += [f"* [Diffusion Models for Task {i}: Scaling Study](https://arxiv.org/abs/2301.{i:05d})"
              for i in range(40)]
    lines += [f"* [Graph Networks for Task {i}: Scaling Study](https://arxiv.org/abs/2302.{i:05d})"
              for i in range(400)]
    lines += ["* [Denoising Autoencoders]"
              "(https://example.org/dae.pdf)",
              "* [Denoising Diffusion Probabilistic Models](https://arxiv.org/abs/2006.11239)"]
    (folder / "list.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lib = Library(library_url)
    try:
        import_into(lib, [folder])
        results = search(lib, "扩散模型 去噪", mode="keyword", limit=3)
        assert results[0].arxiv_id == "2006.11239"
    finally:
        lib.close()

"""The structural extractor on short excerpts written for each structure (not copies of any collection)."""

from __future__ import annotations

from paperdex.extract import extract, title_from_filename
from paperdex.extract.citation import parse_citation
from paperdex.model import Document


def _papers(text: str, source: str = "notes.md", fmt: str = "markdown", **meta) -> list:
    doc = Document(source=source, format=fmt, text=text, metadata=meta)
    return [b for b in extract(doc) if b.kind == "paper"]


def test_heading_entries_with_notes_and_links_below():
    text = """# Reading notes

## 1. Scaling Laws for Neural Language Models
Kaplan et al., 2020
- loss follows a power law in compute
Paper link - https://arxiv.org/abs/2001.08361

## 2. Training Compute-Optimal Large Language Models
- fewer parameters, more tokens
- [paper](https://arxiv.org/pdf/2203.15556)
"""
    papers = _papers(text)
    assert [p.title for p in papers] == ["Scaling Laws for Neural Language Models",
                                         "Training Compute-Optimal Large Language Models"]
    assert [p.identifiers[0].value for p in papers] == ["2001.08361", "2203.15556"]
    assert "power law" in papers[0].text


def test_topic_headings_group_list_entries_and_dates_are_not_sections():
    text = """# My list

## Vision
- [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)
- An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale [[arXiv](https://arxiv.org/abs/2010.11929)]

## 2021-03
- [Learning Transferable Visual Models From Natural Language Supervision](https://arxiv.org/abs/2103.00020)
"""
    papers = _papers(text)
    assert len(papers) == 3
    assert papers[0].section == "Vision" and papers[1].section == "Vision"
    assert papers[2].section is None and papers[2].date == "2021-03"
    assert papers[1].title.startswith("An Image is Worth 16x16 Words")
    assert papers[0].year == 2015  # from the arXiv id


def test_table_rows_by_title_column():
    text = """| Date | Presenter | Paper |
|---|---|---|
| 01/03 | Ann | A. Smith, B. Jones. **Learning to Skim Text**. ACL 2017 |
| 08/03 | Bo | C. Lee. **Get To The Point: Summarization with Pointer-Generator Networks**. ACL 2017 |
| | | `Topic label:` |
"""
    assert [p.title for p in _papers(text)] == [
        "Learning to Skim Text", "Get To The Point: Summarization with Pointer-Generator Networks"]


def test_citation_styles():
    cases = {
        "Vaswani, A., Shazeer, N., & Polosukhin, I. (2017). Attention is all you need. NeurIPS.":
            "Attention is all you need",
        "Kenneth Church and Mark Liberman. 2005. Last words: Reviewing the reviewers. Computational Linguistics.":
            "Last words: Reviewing the reviewers",
        'Smith, John. "Deep Learning for Cats." Journal of Pets, 2019.': "Deep Learning for Cats",
        "张三, 李四. 基于深度学习的图像分割方法研究[J]. 计算机学报, 2020.": "基于深度学习的图像分割方法研究",
        "Pennington et al. (2014): GloVe: Global vectors for word representation":
            "GloVe: Global vectors for word representation",
        "Grounding in communication, Herb Clark and Susan Brennan. (Clark et al., 1991)": "Grounding in communication",
        # A Title Case list after a comma is the title going on, not its authors.
        "Scene Graphs: Parsing Objects, Relations, and Attributes From Single Images (Doe et al., 2019)":
            "Scene Graphs: Parsing Objects, Relations, and Attributes From Single Images",
        # The title sentence runs on into its venue.
        "K. Roe and J. Doe (2020). Grounded Language in Household Robots, in TAL Volume 12 issue 2, pp 5-30.":
            "Grounded Language in Household Robots",
        # A reference copied from a PDF keeps its line-break hyphens; "pre- and" is no broken word.
        "Anna Berg, Wolf- gang Kurz and Lena Stein, Pre- and Post-Editing for Simultaneous Machine Trans- lation, "
        "ACL 2019. Notes on the method.": "Pre- and Post-Editing for Simultaneous Machine Translation",
    }
    for text, title in cases.items():
        cite = parse_citation(text)
        assert cite is not None and cite.title == title, text
    assert parse_citation("Organize my reading notes. Total Count: 38") is None
    assert parse_citation("**You can set links to headers**, which create a bookmark. For example:") is None


def test_plain_text_reference_list():
    text = """Recommended reading

• Mitchell and Lapata (2010). Composition in Distributional Models of Semantics
• Socher et al. (2012). Semantic Compositionality through Recursive Matrix-Vector Spaces
• Turney and Pantel (2010). From frequency to meaning: Vector space models of semantics
"""
    papers = _papers(text, "list.txt", "text")
    assert [p.title for p in papers] == ["Composition in Distributional Models of Semantics",
                                         "Semantic Compositionality through Recursive Matrix-Vector Spaces",
                                         "From frequency to meaning: Vector space models of semantics"]


def test_plain_text_titles_with_field_lists():
    text = """Reading log | March
Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks (2017)
- arxiv:https://arxiv.org/abs/1703.03400
- notes: meta-gradient through the inner update
Efficient Exploration via State Marginal Matching
- source: openreview
Off-Policy Deep Reinforcement Learning without Exploration
- arxiv:https://arxiv.org/abs/1812.02900
"""
    papers = _papers(text, "blog.txt", "text")
    assert [p.title for p in papers] == ["Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks",
                                         "Efficient Exploration via State Marginal Matching",
                                         "Off-Policy Deep Reinforcement Learning without Exploration"]
    assert papers[0].identifiers[0].value == "1703.03400" and papers[0].year == 2017
    assert "meta-gradient" in papers[0].text


def test_template_note_is_one_paper_and_its_links_are_references():
    text = """# BERT

[Paper](https://arxiv.org/abs/1810.04805) | [Code](https://github.com/google-research/bert)

## Method
- masked language modelling, like [ELMo](https://arxiv.org/abs/1802.05365) but deeper
## Related
- [RoBERTa: A Robustly Optimized BERT Pretraining Approach](https://arxiv.org/abs/1907.11692)
- [ALBERT: A Lite BERT for Self-supervised Learning](https://arxiv.org/abs/1909.11942)
"""
    [paper] = _papers(text, "notes/002_bert.md")
    assert paper.title == "BERT" and paper.identifiers[0].value == "1810.04805"
    assert "arxiv:1907.11692" in paper.references


def test_front_matter_names_the_paper():
    text = "# TL;DR\nspikes are sparse\n\n[論文](https://www.biorxiv.org/content/10.1101/123456v1)\n"
    [paper] = _papers(text, "_posts/2020-01-01-x.markdown",
                      title="Sparse Coding in Cortex (Smith et al., 2019)")
    assert paper.title == "Sparse Coding in Cortex"


def test_one_bullet_file_is_a_paper_and_lecture_notes_are_not():
    assert [p.title for p in _papers("- [Denoising Diffusion Probabilistic Models](https://arxiv.org/abs/2006.11239)\n")] \
        == ["Denoising Diffusion Probabilistic Models"]
    doc = Document(source="lecture.md", format="markdown", metadata={"title": "Notes on policy gradients"},
                   text="## Why\nValue methods take an argmax.\n\n## Variance\nSubtract a baseline.\n")
    blocks = extract(doc)
    assert blocks and all(b.kind == "document" for b in blocks)


def test_prose_that_mentions_papers_is_not_a_list():
    text = """# Notes on detection

- The paper seems to follow the idea of [DETR](https://arxiv.org/abs/2005.12872) closely.
- This could be reduced to a softmax as in [Attention](https://arxiv.org/abs/1706.03762).
- The anchors are from [Faster R-CNN](https://arxiv.org/abs/1506.01497) but smaller.
"""
    assert _papers(text) == []


def test_org_reading_queue():
    text = """#+TITLE: Papers
* TODO Food Recommender Systems: Important Contributions, Challenges and Future Re
[[cite:trattner-2017][Trattner & Elsweiler 2017: Food Recommender Systems]]
* DONE Deep Residual Learning for Image Recognition
CLOSED: [2018-01-02 Tue 10:00]
[[cite:he-2016-resnet][He et al. 2016]]
* TODO No More Pesky Learning Rates
"""
    papers = _papers(text, "papers.org", "org")
    assert [p.title for p in papers] == [
        "Food Recommender Systems: Important Contributions, Challenges and Future Re",
        "Deep Residual Learning for Image Recognition", "No More Pesky Learning Rates"]


def test_zotfile_names_and_page_names():
    assert title_from_filename("pages/2018_Burnell_Anyon condensation and its applications.md") == \
        "Anyon condensation and its applications"
    assert title_from_filename("hls__Meuwly et al_2003_Application of Adaptive Image Processing.md") == \
        "Application of Adaptive Image Processing"
    assert title_from_filename("2012_Hung_Wan_String-Net Models with $Z_N$ Fusion Algebra.md") == \
        "String-Net Models with $Z_N$ Fusion Algebra"
    assert title_from_filename("Attention is All You Need.md") == "Attention is All You Need"
    assert title_from_filename("README.md") is None


def test_localized_headline_keeps_the_original_title():
    text = """## DALL·E: pictures from words by OpenAI [1]
A short blurb.
* Paper: [Zero-Shot Text-to-Image Generation](https://arxiv.org/pdf/2102.12092.pdf)
* Code: [Click here for the code](https://github.com/openai/DALL-E)

## GIRAFFE - Controllable Image Generation [2]
* Paper: [GIRAFFE: Representing Scenes as Compositional Generative Neural Feature Fields](https://arxiv.org/abs/2011.12100)
"""
    papers = _papers(text)
    assert [p.title for p in papers] == [
        "Zero-Shot Text-to-Image Generation",
        "GIRAFFE: Representing Scenes as Compositional Generative Neural Feature Fields"]
    assert papers[0].fields["heading"].startswith("DALL·E")


def test_data_file_records():
    from paperdex.formats import datafile

    yml = """- title: "FocalCodec: Low-Bitrate Speech Coding via Focal Modulation Networks"
  category: Audio
  date: 2025-01-02
  link: https://arxiv.org/abs/2502.04465
  note: >
    Codec at very low bitrate.
- title: Gemma 3 Technical Report
  link: https://example.org/gemma3.pdf
"""
    [doc] = datafile.read(yml, "data/papers.yml")
    assert [b.title for b in doc.blocks] == ["FocalCodec: Low-Bitrate Speech Coding via Focal Modulation Networks",
                                             "Gemma 3 Technical Report"]
    assert doc.blocks[0].identifiers[0].value == "2502.04465" and doc.blocks[0].section == "Audio"
    assert doc.blocks[0].line == 1 and doc.blocks[1].line == 7
    [doc] = datafile.read("Title,Link\nDeep Residual Learning,https://arxiv.org/abs/1512.03385\n", "list.csv")
    assert doc.blocks[0].identifiers[0].value == "1512.03385"


def test_a_reference_manager_export_is_read_by_its_column_names():
    """A Zotero-style CSV: "Publication Year", "Publication Title" and "Abstract Note" are the year, the venue
    and (without a Notes column) the note, found by their last word as a spreadsheet user would name them."""
    from paperdex.formats import datafile

    csv = ('"Key","Item Type","Publication Year","Author","Title","Publication Title","DOI","Url","Abstract Note"\n'
           '"AB12","journalArticle","2015","LeCun, Yann","Deep learning","Nature","10.1038/nature14539",'
           '"https://www.nature.com/articles/nature14539","Deep learning allows computational models"\n')
    [doc] = datafile.read(csv, "My Library.csv")
    [block] = doc.blocks
    assert (block.title, block.year, block.venue) == ("Deep learning", 2015, "Nature")
    assert block.identifiers[0].value == "10.1038/nature14539"
    assert "computational models" in block.text


def test_numbered_named_headings_are_a_round_up_and_numbered_chapters_are_not():
    roundup = """# 对比学习串烧

## 第一阶段
## 1.InstDisc
[Unsupervised Feature Learning via Non-Parametric Instance Discrimination](https://arxiv.org/abs/1805.01978)
## 2.InvaSpread
memory bank free
## 3.MoCo v1
momentum encoder
## 4.SimCLR v1
big batches
"""
    assert [p.title for p in _papers(roundup)] == [
        "Unsupervised Feature Learning via Non-Parametric Instance Discrimination", "InvaSpread", "MoCo v1",
        "SimCLR v1"]
    chapters = """# Mamba: Linear-Time Sequence Modeling with Selective State Spaces

## Metadata
- [paper](https://arxiv.org/abs/2312.00752) (arXiv 2023)
- **Venue**: arXiv 2023

## 1. Introduction
## 2. State Space Models
## 3. Selective State Space Models
"""
    [paper] = _papers(chapters, "LLM/Mamba/paper.md")
    assert paper.title.startswith("Mamba") and paper.identifiers[0].value == "2312.00752"


def test_several_cited_papers_on_one_line_and_shared_labels():
    text = """Reading list

1. General: Multimodal Machine Learning: A Survey and Taxonomy (Baltrusaitis et al., 2019)
2. General: Representation learning: A review and new perspectives (Bengio et al., 2013)
3. Parsing: Deep biaffine attention for neural dependency parsing (Dozat and Manning, 2016) and Constituency parsing with a self-attentive encoder (Kitaev and Klein, 2018).
"""
    papers = _papers(text, "list.txt", "text")
    assert [p.title for p in papers][:2] == ["Multimodal Machine Learning: A Survey and Taxonomy",
                                             "Representation learning: A review and new perspectives"]
    assert papers[0].section == "General"
    assert "Constituency parsing with a self-attentive encoder" in [p.title for p in papers]


def test_a_page_that_embeds_its_pdf_is_titled_by_it():
    text = "- ![2013_Chen_Gu et al_Symmetry protected topological orders.pdf](file://zotero/SPT/x.pdf)\n- # Setup\n"
    [paper] = _papers(text, "pages/2013_Chen_Gu et al_SPT and Group Cohomology.md")
    assert paper.title == "Symmetry protected topological orders"


def test_weak_rows_ride_along_only_in_the_shape_of_the_strong_ones():
    text = """| Date | Paper |
|---|---|
| 01/03 | A. Yu, Q. Le. **Learning to Skim Text**. ACL 2017 |
| 08/03 | A. See, C. Manning. **Get To The Point: Summarization with Pointer-Generator Networks**. ACL 2017 |
| 15/03 | Static & Dynamic RNN in Tensorflow |
"""
    assert len(_papers(text)) == 2


def test_metadata_fields_and_link_rows_are_not_papers():
    text = """# Attention Is All You Need

- **Authors**: Ashish Vaswani, Noam Shazeer
- **Venue**: NeurIPS 2017
- [paper](https://arxiv.org/abs/1706.03762) (NeurIPS 2017)
- [code](https://github.com/tensorflow/tensor2tensor) | [slides](https://example.org/s.pdf)
"""
    [paper] = _papers(text, "notes/attention.md")
    assert paper.title == "Attention Is All You Need" and paper.identifiers[0].value == "1706.03762"


def test_task_list_items_ride_along_with_linked_ones():
    text = """# Reading
- [x] [BERT](./notes/002_bert.md)
- [x] [ViT](./notes/003_vit.md)
- [ ] DiT
"""
    papers = _papers(text, "README.md")
    assert [p.title for p in papers] == ["BERT", "ViT", "DiT"]
    assert "to-read" in papers[2].marks and "to-read" not in papers[0].marks


def test_dotted_numbered_names_under_parts_are_papers():
    text = """# Video understanding

## Part2. Two streams
### 2.1 Two-Stream
optical flow stream
### 2.2.Beyond-Short-Snippets （用 LSTM 融合）
long videos
### 2.3 TSN
segments
"""
    assert [p.title for p in _papers(text, "notes/011_video.md")] == ["Two-Stream", "Beyond-Short-Snippets", "TSN"]


def test_a_huge_note_without_papers_is_kept_in_parts_and_said_so(tmp_path):
    from paperdex import importer
    from paperdex.extract import DOCUMENT_PART_CHARS
    from paperdex.library.db import Library

    text = "diffusion models denoise step by step and we like them a lot\n" * 40_000  # 2.4 MB, one note
    blocks = extract(Document(source="huge.md", format="markdown", text=text))
    assert len(blocks) > 20 and all(b.kind == "document" for b in blocks)
    assert max(len(b.text) for b in blocks) <= DOCUMENT_PART_CHARS
    assert "".join(b.text for b in blocks).count("diffusion") == 40_000  # nothing lost
    assert blocks[0].fields["part"] == f"1/{len(blocks)}"
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "huge.md").write_text(text, encoding="utf-8")
    with Library(tmp_path / "lib.db") as lib:
        summary = importer.add(lib, [str(tmp_path / "notes")], max_bytes=64 * 1024 * 1024)
    assert not summary.failures
    assert any(e.startswith("split") and f"{len(blocks)} parts" in e for e in summary.events)


def test_org_property_drawers_give_a_heading_its_paper_id():
    text = """* Attention Is All You Need
:PROPERTIES:
:ROAM_REFS: https://arxiv.org/abs/1706.03762
:END:
Transformers replace recurrence.
"""
    [paper] = _papers(text, "attention.org", "org")
    assert paper.identifiers[0].value == "1706.03762"


def test_titles_in_title_marks_are_the_name_and_what_follows_is_not():
    zh = ("# 本周阅读\n\n1. 《Segment Anything》（Meta，2023）：提示式分割的基础模型。[论文](https://arxiv.org/abs/2304.02643)\n"
          "2. 《Denoising Diffusion Probabilistic Models》：扩散模型的起点。[论文](https://arxiv.org/abs/2006.11239)\n")
    assert [p.title for p in _papers(zh)] == ["Segment Anything", "Denoising Diffusion Probabilistic Models"]
    ja = ("## 論文メモ\n\n- 「ReAct: Synergizing Reasoning and Acting in Language Models」 https://arxiv.org/abs/2210.03629\n"
          "- 「Chain-of-Thought Prompting Elicits Reasoning in Large Language Models」(NeurIPS 2022) "
          "https://arxiv.org/abs/2201.11903\n")
    assert [p.title for p in _papers(ja)] == ["ReAct: Synergizing Reasoning and Acting in Language Models",
                                              "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models"]
    # A quoted phrase that opens a longer title is part of it.
    en = ("- [“The Pedestrian next to the Lamppost” Adaptive Object Graphs for Better Instantaneous Mapping]"
          "(https://arxiv.org/abs/2204.02944)\n- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n")
    assert _papers(en)[0].title.startswith("“The Pedestrian next to the Lamppost” Adaptive Object Graphs")


def test_restructuredtext_links_name_their_papers():
    from paperdex.formats.load import load_bytes

    rst = ("Reading list\n============\n\n"
           "* `An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale "
           "<https://arxiv.org/abs/2010.11929>`_ — ViT; patches as tokens.\n"
           "* `Masked Autoencoders Are Scalable Vision Learners <https://arxiv.org/abs/2111.06377>`__\n")
    [doc] = load_bytes(rst.encode(), "reading.rst").documents
    papers = [b for b in extract(doc) if b.kind == "paper"]
    assert [p.title for p in papers] == ["An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
                                         "Masked Autoencoders Are Scalable Vision Learners"]
    assert papers[0].identifiers[0].value == "2010.11929" and "patches as tokens" in papers[0].text


def test_author_et_al_then_title_then_venue():
    """"Sennrich et al. Title. ACL 2016.": the period of "et al." ends the authors when the reference goes on."""
    for line, title, year in [
        ("Sennrich et al. Neural Machine Translation of Rare Words with Subword Units. ACL 2016.",
         "Neural Machine Translation of Rare Words with Subword Units", 2016),
        ("A. Vaswani et al. Attention Is All You Need. In NeurIPS, 2017.", "Attention Is All You Need", 2017),
    ]:
        cite = parse_citation(line)
        assert cite is not None and (cite.title, cite.year) == (title, year)
    md = ("# Reading\n\n* Sennrich et al. Neural Machine Translation of Rare Words with Subword Units. ACL 2016.\n"
          "* Vaswani et al. Attention Is All You Need. NeurIPS 2017.\n")
    assert [p.title for p in _papers(md)] == ["Neural Machine Translation of Rare Words with Subword Units",
                                              "Attention Is All You Need"]


def test_a_table_headed_paper_names_a_paper_in_every_row_once_one_row_is_linked():
    md = ("| Paper | Venue | Code |\n|---|---|---|\n"
          "| [NeRF: Representing Scenes as Neural Radiance Fields for View Synthesis](https://arxiv.org/abs/2003.08934)"
          " | ECCV 2020 | [code](https://github.com/bmild/nerf) |\n"
          "| 3D Gaussian Splatting for Real-Time Radiance Field Rendering | SIGGRAPH 2023 | "
          "[code](https://github.com/graphdeco-inria/gaussian-splatting) |\n")
    assert [p.title for p in _papers(md)] == ["NeRF: Representing Scenes as Neural Radiance Fields for View Synthesis",
                                              "3D Gaussian Splatting for Real-Time Radiance Field Rendering"]


def test_a_note_that_retells_a_paper_section_by_section_is_that_paper():
    # `# Title`, then the paper's own sections (here in Chinese, with a stray top-level "# 4 Experiments").
    retold = ("# Sparse Mixture Routing for Efficient Inference\n\n## 摘要\n\n稀疏路由把计算量降到一半。\n\n"
              "## 1 引言\n\n背景介绍。\n\n## 2 相关工作\n\n- MoE 早期工作\n- Switch\n\n"
              "# 4 Experiments\n\n在三个基准上测试。\n")
    papers = _papers(retold, source="notes/017_sparse_routing.md")
    assert [p.title for p in papers] == ["Sparse Mixture Routing for Efficient Inference"]
    # No title heading: the paper's labelled link at the top gives its id, the file's name its name.
    linked = ("[paper](https://arxiv.org/pdf/2301.01234.pdf) | [code](https://github.com/x/y)\n\n"
              "## Part1. 标题&作者\n\n一句话总结。\n\n## Part2. 摘要\n\n内容。\n")
    papers = _papers(linked, source="notes/021_sparse_routing.md")
    assert [(p.title, [i.key for i in p.identifiers]) for p in papers] == [
        ("sparse routing", ["arxiv:2301.01234"])]
    # Sections named like a paper's but nothing that names one: lecture notes stay a document.
    lecture = "## Why policy gradients\n\nThe score function.\n\n## Variance reduction\n\nBaselines.\n"
    assert _papers(lecture, source="lecture-notes.md") == []
    assert _papers("## Introduction\n\nText.\n\n## Method\n\nMore.\n", source="cs231n_lecture_3.md") == []


def test_a_title_closed_by_a_period_before_its_links_and_its_venue():
    # "Title. [[Paper]](url)": the period ends the name; the list is three papers, not one named by its heading.
    bare = ("# Meta learning\n\n"
            "1. Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks. [[Paper]](https://arxiv.org/abs/1703.03400)\n"
            "2. Investigating Weak Supervision in Deep Ranking. [[Paper]](https://example.org/weak.pdf)\n"
            "3. Prototypical Networks for Few-shot Learning. [[Paper]](https://arxiv.org/pdf/1703.05175.pdf)\n")
    titles = ["Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks",
              "Investigating Weak Supervision in Deep Ranking", "Prototypical Networks for Few-shot Learning"]
    assert [p.title for p in _papers(bare)] == titles
    # The venue sentence in emphasis after the title (and a stray period after it) is the venue.
    venues = ("# Meta learning\n\n"
              "1. Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks. *ICML 2017.* [[Paper]](https://arxiv.org/abs/1703.03400)\n"
              "2. Investigating Weak Supervision in Deep Ranking. *Data and Information Management 2019.* [[Paper]](https://example.org/weak.pdf)\n"
              "3. Prototypical Networks for Few-shot Learning. *arXiv 2017.*. [[Paper]](https://arxiv.org/pdf/1703.05175.pdf)\n")
    papers = _papers(venues)
    assert [p.title for p in papers] == titles
    assert [(p.venue, p.year) for p in papers] == [("ICML 2017", 2017), ("Data and Information Management 2019", 2019),
                                                   ("arXiv 2017", 2017)]


def test_index_lines_link_notes_whose_names_have_spaces_and_pdfs_in_a_papers_folder():
    index = ("# 语音分离论文笔记\n\n"
             "* Continuous Speech Separation with Conformer [[note]](./Speech%20Separation/Continuous%20Speech%20Separation%20阅读笔记.md)\n"
             "* Dual-Path RNN: Efficient Long Sequence Modeling for Time-Domain Speech Separation [[note]](./Speech%20Separation/DPRNN%20阅读笔记.md)\n"
             "* Conv-TasNet: Surpassing Ideal Time-Frequency Magnitude Masking for Speech Separation [[note]](./Speech%20Separation/Conv-TasNet.md)\n")
    papers = _papers(index)
    assert [p.title for p in papers] == ["Continuous Speech Separation with Conformer",
                                         "Dual-Path RNN: Efficient Long Sequence Modeling for Time-Domain Speech Separation",
                                         "Conv-TasNet: Surpassing Ideal Time-Frequency Magnitude Masking for Speech Separation"]
    assert papers[0].fields["notes_file"].endswith("%20阅读笔记.md")
    table = ("# 分布式训练\n\n| 类别 | 论文 | 备注 |\n| --- | --- | --- |\n"
             "| ZeRO | [ZeRO: Memory Optimizations Toward Training Trillion Parameter Models](papers/ZeRO%20Memory.pdf) | 显存 |\n"
             "| 流水线 | [GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism](papers/gpipe.pdf) | |\n"
             "| 张量并行 | [Megatron-LM: Training Multi-Billion Parameter Language Models](papers/megatron.pdf) | |\n")
    papers = _papers(table)
    assert [(p.title, p.fields.get("pdf_file")) for p in papers] == [
        ("ZeRO: Memory Optimizations Toward Training Trillion Parameter Models", "papers/ZeRO%20Memory.pdf"),
        ("GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism", "papers/gpipe.pdf"),
        ("Megatron-LM: Training Multi-Billion Parameter Language Models", "papers/megatron.pdf")]
    # A course's slides are local PDFs too, and no papers; nor is an attachment shown by its file name.
    calendar = ("# Schedule\n\n| Week | Topic |\n| --- | --- |\n| 1 | [Perceptrons](slides/DL_perceptrons.pdf) |\n"
                "| 2 | [Gradient descent](slides/DL_gradient_descent.pdf) |\n| 3 | [Convolutional nets](slides/DL_cnn.pdf) |\n")
    assert _papers(calendar) == []
    assert _papers("file:: [Scrum-Guide-US.pdf](../assets/papers/Scrum-Guide-US.pdf)\n\n- some highlight\n",
                   source="pages/hls__Scrum-Guide-US.md") == []


def test_a_link_on_the_reference_names_the_title_it_holds_or_the_one_after_it():
    # The link is on the authors and year (APA): the title is the sentence after it.
    apa = ("# Fairness\n\n**Core Reading**\n\n"
           "- [Buolamwini, J., & Gebru, T. (2018).](http://proceedings.mlr.press/v81/buolamwini18a.html) Gender shades: "
           "Intersectional accuracy disparities in commercial gender classification.  In Conference on fairness (pp. 77-91). PMLR.\n"
           "- [Verma, S., & Rubin, J. (2018).](https://dl.acm.org/doi/10.1145/3194770.3194776) Fairness definitions explained. "
           "In 2018 ieee/acm international workshop on software fairness (pp. 1-7). IEEE.\n")
    assert [(p.title, p.year) for p in _papers(apa)] == [
        ("Gender shades: Intersectional accuracy disparities in commercial gender classification", 2018),
        ("Fairness definitions explained", 2018)]
    # The link is on the whole reference: the quoted title inside it.
    whole = ("## Next to read\n\n"
             '* [He, Kaiming, et al. "Deep residual learning for image recognition." Proceedings of the IEEE conference '
             'on computer vision and pattern recognition. 2016.](http://openaccess.thecvf.com/content_cvpr_2016/html/He.html)\n'
             '* [Zhou, Bolei, et al. "Learning deep features for discriminative localization." Proceedings of the IEEE '
             'conference on computer vision and pattern recognition. 2016.](http://openaccess.thecvf.com/Zhou_CVPR_2016_paper.pdf)\n')
    assert [p.title for p in _papers(whole)] == ["Deep residual learning for image recognition",
                                                 "Learning deep features for discriminative localization"]
    # A model's name and a colon before the linked title: the name is the paper's alias.
    named = ("# Reading comprehension\n\n"
             "* R-NET: [Gated Self-Matching Networks for Reading Comprehension and Question Answering](https://aclanthology.org/P17-1018/), Wang et al., ACL, 2017.\n"
             "* SAN: [Stochastic Answer Networks for Machine Reading Comprehension](https://arxiv.org/abs/1712.03556), Liu et al., ACL, 2018.\n")
    assert [(p.title, p.fields.get("alias")) for p in _papers(named)] == [
        ("Gated Self-Matching Networks for Reading Comprehension and Question Answering", "R-NET"),
        ("Stochastic Answer Networks for Machine Reading Comprehension", "SAN")]


def test_a_badge_that_links_the_paper_under_its_title_heading():
    page = ("# Native Sparse Attention: Hardware-Aligned and Natively Trainable Sparse Attention\n\n"
            "[![arXiv](https://img.shields.io/badge/arXiv-2501.00000-b31b1b.svg)](https://arxiv.org/pdf/2502.11089)\n\n"
            "## Краткое содержание\n\nСтатья предлагает разреженное внимание.\n\n## Выводы\n\n- Быстрее.\n- Качество то же.\n")
    [paper] = _papers(page, source="week-09.md")
    # The badge's own text names another id: the link's target is the paper.
    assert (paper.title, [i.key for i in paper.identifiers]) == (
        "Native Sparse Attention: Hardware-Aligned and Natively Trainable Sparse Attention", ["arxiv:2502.11089"])


def test_a_remark_in_parentheses_is_not_a_citation():
    # One plan line "Working toy tutorial (All four)" read as "Title (Authors)" made the whole file one paper.
    md = ("# Comparing frameworks\n\n## Related work\n\n"
          "* [Energy and Policy Considerations for Deep Learning in NLP](http://arxiv.org/abs/1906.02243)\n"
          "* [Green AI](https://arxiv.org/abs/1907.10597)\n"
          "* [Towards the Systematic Reporting of the Energy and Carbon Footprints of Machine Learning](https://arxiv.org/abs/2002.05651)\n\n"
          "## Plan\n\n* Documentation (All four)\n* Working toy tutorial (All four)\n* Evaluation on the same data\n")
    assert [p.title for p in _papers(md)] == [
        "Energy and Policy Considerations for Deep Learning in NLP", "Green AI",
        "Towards the Systematic Reporting of the Energy and Carbon Footprints of Machine Learning"]
    assert parse_citation("Working toy tutorial (All four)") is None


def test_a_topic_heading_over_the_paper_heading():
    md = ("# 12. Calibration robustness beyond ECE\n\n"
          "## Calibration Is Not Enough: Evaluating Confidence Estimation Under Language Variations\n\n"
          "Yuxi Xia et al., 2026.\n\n- https://arxiv.org/abs/2601.08064\n\nКратко: калибровка ломается.\n\n"
          "# 13. Conditional module gates\n\n## Mixture of Experts Gating Under Distribution Shift\n\n"
          "- https://eprint.iacr.org/2025/1068\n\nЗаметки о гейтинге.\n\n"
          "# 14. Sparse retrieval\n\n## Learned Sparse Retrieval with Term Expansion\n\n- https://arxiv.org/abs/2503.01234\n")
    papers = _papers(md)
    assert [(p.title, p.section) for p in papers] == [
        ("Calibration Is Not Enough: Evaluating Confidence Estimation Under Language Variations",
         "12. Calibration robustness beyond ECE"),
        ("Mixture of Experts Gating Under Distribution Shift", "13. Conditional module gates"),
        ("Learned Sparse Retrieval with Term Expansion", "14. Sparse retrieval")]
    assert "калибровка" in papers[0].text


def test_a_paper_link_in_the_first_sub_item_is_the_items_own():
    md = ("# List\n\n- Attention Is All You Need\n  - Paper: https://arxiv.org/abs/1706.03762\n  - my take: elegant\n"
          "- Deep Residual Learning for Image Recognition\n  - Paper: https://arxiv.org/abs/1512.03385\n"
          "- Denoising Diffusion Probabilistic Models\n  - https://arxiv.org/abs/2006.11239\n")
    assert [[i.key for i in p.identifiers] for p in _papers(md)] == [
        ["arxiv:1706.03762"], ["arxiv:1512.03385"], ["arxiv:2006.11239"]]


def test_a_digest_of_papers_told_in_sentences_with_under_indented_links():
    # "1." then "  - Paper:" (two spaces): to CommonMark a new list each time, to the writer a sub-item.
    md = ("# Papers of the Week\n\n## Top Papers of the Week (Jan 1 - Jan 8)\n\n"
          "1. GoogleAI introduces Muse, a text-to-image model based on masked generative transformers; "
          "more efficient than diffusion models.\n  - Paper: https://arxiv.org/abs/2301.00704\n"
          "  - Project: https://muse-model.github.io/\n"
          "2. Microsoft introduces VALL-E, a text-to-audio model with strong zero-shot performance.\n"
          "  - Paper: https://arxiv.org/abs/2301.02111\n"
          "3. Presents a technique for compressing large language models while not sacrificing performance.\n"
          "  - https://arxiv.org/abs/2301.00774\n")
    papers = _papers(md, source="README.md")
    assert [[i.key for i in p.identifiers] for p in papers] == [
        ["arxiv:2301.00704"], ["arxiv:2301.02111"], ["arxiv:2301.00774"]]
    assert papers[0].title == "GoogleAI introduces Muse, a text-to-image model based on masked generative transformers"
    assert papers[0].fields["title_from"] == "description"
    assert "more efficient than diffusion models" in papers[0].text
    assert papers[2].title == "Presents a technique for compressing large language models while not sacrificing performance"


def test_an_obsidian_literature_note_from_zotero():
    page = ("> [!info]- : [**Zotero**](zotero://select/library/items/8H3URFC4)  | [**URL**](http://arxiv.org/abs/2006.13448)\n"
            ">\n> **Abstract**\n> We analyze a variant of multivariate singular spectrum analysis.\n>\n"
            "> **FirstAuthor**:: Agarwal, Anish  \n"
            '> **Title**:: "On Multivariate Singular Spectrum Analysis and its Variants"  \n'
            "> **itemType**:: preprint  \n\n# Notes\n\nGood baseline for my forecasting project.\n")
    meta = {"citekey": "Agarwal22multivarSinglSpect", "DOI": "10.48550/arXiv.2006.13448",
            "aliases": ["On Multivariate Singular Spectrum Analysis and its Variants", "On Multivariate SSA"]}
    [paper] = _papers(page, source="Agarwal22multivarSinglSpect.md", **meta)
    assert paper.title == "On Multivariate Singular Spectrum Analysis and its Variants"
    assert "arxiv:2006.13448" in [i.key for i in paper.identifiers]
    # The title only in the template's Dataview field: still the paper's.
    [paper] = _papers(page, source="Agarwal22multivarSinglSpect.md", DOI="10.48550/arXiv.2006.13448")
    assert paper.title == "On Multivariate Singular Spectrum Analysis and its Variants"
    # A note on a web page (the same template): searchable, no paper.
    web = page.replace("preprint", "webpage")
    assert _papers(web, source="IBM23whatIsBoosting.md", DOI="") == []


def test_reading_lists_without_links_title_by_authors_and_quoted_titles():
    md = ("# Readings\n\n## Papers\n"
          "- Equality of Opportunity in Supervised Learning by Hardt, M. and Price, E. NIPS 2016. Available Online\n"
          "- Fairness Through Awareness by Dwork, C, Hardt, M, et al. ITCS 2012. Available Online\n"
          "- Is Algorithmic Affirmative Action Legal? by Bent, JR. Georgetown Law Journal. 2019. Available Online\n"
          "- Hannak, Soeller, Lazer, and Wilson, “Measuring Price Discrimination and Steering on E-commerce Web Sites”\n"
          "- Goodman, “Economic Models of (Algorithmic) Discrimination”\n")
    assert [(p.title, p.year) for p in _papers(md)] == [
        ("Equality of Opportunity in Supervised Learning", 2016), ("Fairness Through Awareness", 2012),
        ("Is Algorithmic Affirmative Action Legal?", 2019),
        ("Measuring Price Discrimination and Steering on E-commerce Web Sites", None),
        ("Economic Models of (Algorithmic) Discrimination", None)]
    # A talk by one person is no reference.
    assert parse_citation("Great talk on scaling by Andrej Karpathy. Recorded in 2019.") is None


def test_a_readers_tag_in_brackets_before_the_title_is_its_alias():
    md = ("# Paper Review\n\n"
          "#### 1. [Deep belief net] Reducing the dimensionality of data with neural networks. | "
          "[`[hinton2006.pdf]`](https://www.cs.toronto.edu/~hinton/science.pdf)\n\nNotes.\n\n"
          "#### 2. [Adam] Adam: A method for stochastic optimization. | [`[kingma2014.pdf]`](https://arxiv.org/pdf/1412.6980.pdf)\n\n"
          "Notes.\n\n#### 3. [Dropout] Dropout: A simple way to prevent neural networks from overfitting. | "
          "[`[srivastava14a.pdf]`](https://jmlr.org/papers/volume15/srivastava14a/srivastava14a.pdf)\n\nNotes.\n")
    assert [(p.title, p.fields.get("alias")) for p in _papers(md)] == [
        ("Reducing the dimensionality of data with neural networks", "Deep belief net"),
        ("Adam: A method for stochastic optimization", "Adam"),
        ("Dropout: A simple way to prevent neural networks from overfitting", "Dropout")]


def test_a_note_templates_numbered_parts_are_no_papers():
    note = ("# 1. Reading Context(사전 맥락)\n\n- 왜 읽었나.\n\n# 2. Mathematical Formulation Log\n\n- 식.\n\n"
            "# 3. Experiment as Claim Verification\n\n- 실험.\n\n# 4. Limitations & Failure Modes\n\n- 한계.\n\n"
            "# 5. Personal Insight Log\n\n- 생각.\n")
    assert _papers(note, source="25. LoRA/README.md") == []
    # Numbered headings that name models are a survey's entries, links or not.
    survey = ("# Video models\n\n## 1. C3D\n\n3D convolutions.\n\n## 2. I3D\n\nInflated.\n\n"
              "## 3. SlowFast\n\nTwo pathways.\n\n## 4. TimeSformer\n\nAttention.\n")
    assert [p.title for p in _papers(survey)] == ["C3D", "I3D", "SlowFast", "TimeSformer"]


def test_a_journal_or_venue_page_is_no_paper_link():
    from paperdex.extract.links import is_paper_url

    assert not is_paper_url("https://dl.acm.org/journal/csur")
    assert not is_paper_url("https://ieeexplore.ieee.org/xpl/RecentIssue.jsp?punumber=32")
    assert not is_paper_url("https://openreview.net/group?id=ICLR.cc/2024/Conference")
    assert not is_paper_url("https://aclanthology.org/events/acl-2020/")
    assert is_paper_url("https://dl.acm.org/doi/10.1145/3194770.3194776")
    assert is_paper_url("https://ieeexplore.ieee.org/document/508439")
    assert is_paper_url("https://eprint.iacr.org/2024/1124")
    assert is_paper_url("https://pdfs.semanticscholar.org/7d3f/0a1b2c3d.pdf")
    md = ("# Surveys\n\n[ACM Computing Surveys](https://dl.acm.org/journal/csur)\n\n"
          "- [Fairness definitions explained](https://dl.acm.org/doi/10.1145/3194770.3194776)\n"
          "- [A Survey on Bias and Fairness in Machine Learning](https://dl.acm.org/doi/10.1145/3457607)\n")
    assert [p.title for p in _papers(md)] == ["Fairness definitions explained",
                                              "A Survey on Bias and Fairness in Machine Learning"]


def test_a_line_that_chains_paper_links_is_one_paper_per_link():
    md = ("# Reading\n\n"
          "- Model-based DRL: [World Models](https://arxiv.org/abs/1803.10122) -> [PlaNet](https://arxiv.org/abs/1811.04551)"
          " -> [Dreamer](https://arxiv.org/abs/1912.01603)/[DreamerV2](https://arxiv.org/pdf/2010.02193.pdf)\n"
          "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762), a classic; see also "
          "[BERT](https://arxiv.org/abs/1810.04805) for pretraining\n"
          "- [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)\n")
    assert [(p.title, [i.key for i in p.identifiers]) for p in _papers(md)] == [
        ("World Models", ["arxiv:1803.10122"]), ("PlaNet", ["arxiv:1811.04551"]), ("Dreamer", ["arxiv:1912.01603"]),
        ("DreamerV2", ["arxiv:2010.02193"]), ("Attention Is All You Need", ["arxiv:1706.03762"]),
        ("Deep Residual Learning for Image Recognition", ["arxiv:1512.03385"])]


def test_org_headings_a_converter_wrapped_before_their_property_drawer():
    org = ("* Medicine\n  :PROPERTIES:\n  :CUSTOM_ID: medicine\n  :END:\n\n"
           "** DONE Poon, L. C., & Nicolaides, K. H. (2014): First-trimester\nmaternal factors and biomarker screening\n"
           "  :PROPERTIES:\n  :CUSTOM_ID: poon\n  :END:\n\nMy long note on screening.\n\n"
           "** TOREAD Mueller, P. A., & Oppenheimer, D. M. (2014): The pen is\nmightier than the keyboard\n"
           "  :PROPERTIES:\n  :CUSTOM_ID: mueller\n  :END:\n\n"
           "** SKIMMED Steffen, J. H. (2008): Optimal boarding method for airline\npassengers\n"
           "  :PROPERTIES:\n  :CUSTOM_ID: steffen\n  :END:\n")
    papers = _papers(org, source="notes.org", fmt="org")
    assert [(p.title, p.year) for p in papers] == [
        ("First-trimester maternal factors and biomarker screening", 2014),
        ("The pen is mightier than the keyboard", 2014), ("Optimal boarding method for airline passengers", 2008)]
    assert "My long note on screening." in papers[0].text


def test_headings_that_are_a_title_and_its_year():
    org = ("* Kernel Methods For Deep Learning 2009                  :svm:deep:\narc-cosine kernel\ngood performance\n"
           "* Gaussian Processes A Replacement For Supervised Neural Networks 1997 :gp:nn:\ntheoretical\n"
           "* Two-Layer Multiple Kernel Learning 2011                          :svm:deep:\ntiny data sets\n")
    assert [(p.title, p.year) for p in _papers(org, source="papers.org", fmt="org")] == [
        ("Kernel Methods For Deep Learning", 2009),
        ("Gaussian Processes A Replacement For Supervised Neural Networks", 1997),
        ("Two-Layer Multiple Kernel Learning", 2011)]
    plans = "## Reading plan for 2022\n\nMore papers.\n\n## Conference trips in 2023\n\nTwo.\n\n## Courses taken since 2020\n\nSome.\n"
    assert _papers(plans, source="journal-notes.md") == []


def test_a_column_headed_paper_names_a_paper_in_each_row_linked_or_not():
    md = ("# 文献精读清单\n\n| 类别 | 论文 | 笔记 |\n|---|---|---|\n| Serving | vLLM | `vllm_sosp2023.md` |\n"
          "| Serving | Orca | `orca_osdi2022.md` |\n| 代价估计 | How Good Are Learned Cost Models, Really? | `cost.md` |\n")
    assert [p.title for p in _papers(md)] == ["vLLM", "Orca", "How Good Are Learned Cost Models, Really?"]
    # A session's row (a label in code, or a link to slides) in a reading group's Paper column is none.
    group = ("| Date | Presenter | Paper |\n|---|---|---|\n"
             "| 01/03 | Ann | A. Smith, B. Jones. **Learning to Skim Text**. ACL 2017 |\n"
             "| 08/03 | Bo | `Advancing NMT:` |\n"
             "| 15/03 | Bo | [Static & Dynamic RNN in Tensorflow (practical)](https://docs.google.com/presentation/d/1KF1) |\n")
    assert [p.title for p in _papers(group)] == ["Learning to Skim Text"]


def test_paper_records_at_any_depth_of_a_data_file():
    from paperdex.formats import datafile

    yml = ("- title: Computing Machinery and Intelligence\n  author: Turing\n  year: 1950\n"
           "  related:\n    - title: ELIZA, a computer program for the study of natural language communication\n"
           "      author: Weizenbaum\n- title: A Mathematical Theory of Communication\n  author: Shannon\n")
    [doc] = datafile.read(yml, "software-papers.yml")
    assert [b.title for b in doc.blocks] == [
        "Computing Machinery and Intelligence", "ELIZA, a computer program for the study of natural language communication",
        "A Mathematical Theory of Communication"]
    by_topic = ('{"nlp": [{"title": "Attention Is All You Need", "url": "https://arxiv.org/abs/1706.03762"},'
                ' {"title": "BERT: Pre-training of Deep Bidirectional Transformers"}],'
                ' "vision": [{"title": "Deep Residual Learning for Image Recognition"}]}')
    [doc] = datafile.read(by_topic, "papers.json")
    assert [(b.title, b.section) for b in doc.blocks] == [
        ("Attention Is All You Need", "nlp"), ("BERT: Pre-training of Deep Bidirectional Transformers", "nlp"),
        ("Deep Residual Learning for Image Recognition", "vision")]


def test_a_paper_named_in_full_once_and_by_its_short_name_in_a_summary_table():
    md = ("# July trends\n\n## Papers\n\n"
          "- [Two-Level Meta-Rubrics for Evaluating Open-Ended Generation: GAMUT](https://arxiv.org/abs/2607.19322)\n"
          "- [AgentCompass: A Unified Evaluation Infrastructure for Agent Capabilities](https://arxiv.org/abs/2607.13705)\n"
          "- [SciExplore: Evaluating Autonomous Agents from Scientific Navigation](https://arxiv.org/abs/2607.20926)\n\n"
          "## Numbers\n\n| 論文 | 数字 |\n|---|---|\n| **AgentCompass** | ±8.7〜15pt |\n| **GAMUT** | 58.7% |\n")
    papers = _papers(md)
    assert {p.title for p in papers} == {
        "Two-Level Meta-Rubrics for Evaluating Open-Ended Generation: GAMUT",
        "AgentCompass: A Unified Evaluation Infrastructure for Agent Capabilities",
        "SciExplore: Evaluating Autonomous Agents from Scientific Navigation"}
    short = [p for p in papers if p.fields.get("alias") == "GAMUT"]
    assert [i.key for i in short[0].identifiers] == ["arxiv:2607.19322"]


def test_org_headings_whose_link_is_in_their_property_drawer():
    org = ("#+TITLE: Paper Readings\n\n"
           "* Distilling the Knowledge in a Neural Network\n  :PROPERTIES:\n  :link: http://arxiv.org/pdf/1503.02531v1.pdf\n"
           "  :like: 2\n  :END:\n\n  + soft targets\n\n"
           "* Language to Logical Form with Neural Attention\n  :PROPERTIES:\n  :link: https://arxiv.org/pdf/1601.01280v2.pdf\n"
           "  :END:\n\n  + okay\n\n"
           "* Sequence to Sequence Learning with Neural Networks\n\n  + no link yet\n")
    papers = _papers(org, source="readings.org", fmt="org")
    assert [(p.title, [i.key for i in p.identifiers]) for p in papers] == [
        ("Distilling the Knowledge in a Neural Network", ["arxiv:1503.02531"]),
        ("Language to Logical Form with Neural Attention", ["arxiv:1601.01280"]),
        ("Sequence to Sequence Learning with Neural Networks", [])]


def test_index_links_to_notes_on_github_and_titles_with_year_and_authors():
    md = ("# Paper Notes\n\n## 1911\n\n"
          "- [The Measure of Intelligence (2019) - Chollet](https://github.com/someone/paper-notes/blob/master/notes/measure.md)\n"
          "  - rl, agi\n"
          "- [World Models (2018) - Ha, Schmidhuber](https://github.com/someone/paper-notes/blob/master/notes/world-models.md)\n"
          "- [Value Iteration Networks (2016) - Tamar, Wu, Thomas, Levine, Abbeel](https://github.com/someone/paper-notes/blob/master/notes/vin.md)\n"
          "- Homework: [description](https://github.com/someone/course/blob/main/hw/README.md)\n")
    papers = _papers(md)
    assert [(p.title, p.year) for p in papers] == [
        ("The Measure of Intelligence", 2019), ("World Models", 2018), ("Value Iteration Networks", 2016)]
    assert papers[1].fields["notes_file"].endswith("/notes/world-models.md")


def test_link_texts_that_carry_authors():
    schedule = ("| # | Paper |\n|---|---|\n"
                '| 7 | [Sablayrolles et. al. "Spreading vectors for similarity search" (2019)](https://openreview.net/forum?id=SkGuG2R5tm) |\n'
                '| 8 | [Frankle et. al. "The Lottery Ticket Hypothesis" (2019)](https://arxiv.org/abs/1803.03635) |\n')
    assert [p.title for p in _papers(schedule)] == ["Spreading vectors for similarity search", "The Lottery Ticket Hypothesis"]
    readings = ("## Литература\n\n- [Dropout; Srivastava, Hinton et al.](https://jmlr.org/papers/volume15/srivastava14a/srivastava14a.pdf)\n"
                "- [Batch Normalization; Ioffe, Szegedy.](https://arxiv.org/abs/1502.03167)\n"
                "* [BLEU](http://www.aclweb.org/anthology/P02-1040.pdf) and [CIDEr](https://arxiv.org/pdf/1411.5726.pdf) articles.\n")
    assert [p.title for p in _papers(readings)] == ["Dropout", "Batch Normalization", "BLEU", "CIDEr"]


def test_papers_listed_in_a_pages_front_matter():
    sessions = [{"date": "08/30/2019", "presenter": "Yi", "title": "Under-Constrained Symbolic Execution: Correctness Checking for Real Code",
                 "link": "https://www.usenix.org/system/files/conference/usenixsecurity15/sec15-paper-ramos.pdf"},
                {"date": "09/13/2019", "presenter": "Wei", "title": "A Lightweight Symbolic Virtual Machine for Solver-Aided Host Languages",
                 "link": "https://homes.cs.washington.edu/~emina/doc/rosette.pldi14.pdf"}]
    doc = Document(source="_semesters/fall19.md", format="markdown", text="Our reading group meets on Fridays.\n",
                   metadata={"layout": "semester", "semester": "Fall 2019", "sessions": sessions})
    blocks = extract(doc)
    assert [b.title for b in blocks if b.kind == "paper"] == [s["title"] for s in sessions]
    assert any(b.kind == "document" and "Fridays" in b.text for b in blocks)  # the page's own text stays searchable


def test_collapsible_details_blocks_that_list_papers():
    md = ("# Paper Categories\n\n## Voxels\n\n<details>\n"
          ' <summary><b>VoxNet: A 3D Convolutional Neural Network for Real-Time Object Recognition</b> '
          '<a href="Notes/Voxels/VoxNet.md">[Paper Note]</a></summary>\n<hr>\n <p align="justify">\n'
          "Robust object recognition is a crucial skill for robots operating autonomously.\n</p>\n<hr>\n</details>\n\n"
          "<details>\n <summary><b>PointGrid: A Deep Network for 3D Shape Understanding</b> "
          '<a href="Notes/Hybrid/PointGrid.md">[Paper Note]</a></summary>\n<hr>\n'
          "Volumetric grid is widely used for 3D deep learning.\n</details>\n\n"
          "<details>\n <summary><b>Generative and Discriminative Voxel Modeling with Convolutional Neural Networks</b>"
          ' <a href="https://arxiv.org/abs/1608.04236">[arXiv]</a></summary>\nA voxel VAE.\n</details>\n')
    papers = _papers(md)
    assert [p.title for p in papers] == [
        "VoxNet: A 3D Convolutional Neural Network for Real-Time Object Recognition",
        "PointGrid: A Deep Network for 3D Shape Understanding",
        "Generative and Discriminative Voxel Modeling with Convolutional Neural Networks"]
    assert "crucial skill for robots" in papers[0].text
    assert papers[0].fields["notes_file"] == "Notes/Voxels/VoxNet.md"


def test_reference_style_links_and_their_definitions():
    md = ("# A Survey of LLMs: review\n\n## Instruction tuning\n\n"
          "Datasets can be built by inverting input and output [[28 (T0)][28], [168 (MVP)][168]].\n"
          "Multilingual settings help too [[94 (BLOOMZ)][94]].\n\n"
          "[28]: https://arxiv.org/abs/2110.08207\n[168]: https://arxiv.org/abs/2206.12131\n"
          "[94]: https://aclanthology.org/2023.acl-long.891/\n")
    papers = _papers(md, source="_posts/2024-01-04-survey-review.md")
    assert [(p.title, [i.key for i in p.identifiers]) for p in papers][-3:] == [
        ("T0", ["arxiv:2110.08207"]), ("MVP", ["arxiv:2206.12131"]), ("BLOOMZ", ["acl:2023.acl-long.891"])]


def test_a_post_that_states_its_papers_title_and_a_front_matter_title_with_a_labelled_link():
    post = ("**タイトル**: Retrieval-Augmented Generation: A Comprehensive Survey of Architectures\n"
            "**著者**: Chaitanya Sharma\n\n[arXiv](https://arxiv.org/abs/2506.00054)\n\n## 概要\n\nRAG の設計空間を整理した。\n")
    [paper] = _papers(post, source="_posts/2025-06-10-rag-survey.md", title="RAGアーキテクチャと堅牢性: 設計空間の全体像",
                      arxiv_id="2506.00054")
    assert paper.title == "Retrieval-Augmented Generation: A Comprehensive Survey of Architectures"
    assert paper.fields["heading"] == "RAGアーキテクチャと堅牢性: 設計空間の全体像"
    jekyll = "* [Link to the paper](https://arxiv.org/abs/1812.02341)\n\n## Notes\n\nProcgen-like benchmark.\n"
    [paper] = _papers(jekyll, source="_posts/2019-07-25-Quantifying Generalization in RL.md", layout="post",
                      title="Quantifying Generalization in Reinforcement Learning")
    assert paper.title == "Quantifying Generalization in Reinforcement Learning"

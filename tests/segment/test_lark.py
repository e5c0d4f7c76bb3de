"""The Lark export of seed 003: every paper once, untitled blocks kept as notes, mentions as references."""

from __future__ import annotations

from collections import Counter

import pytest

from paperdex import segment as segmenter
from paperdex.model import Document
from paperdex.segment import lark
from tests.conftest import FIXTURES, SEED_FILES, read_seed
from tests.segment.golden_blocks import check_golden

# Read and counted by hand: 12 tagged list items, then 20 APA references.
SEED_003_TITLES = [
    "Beyond Sight: Finetuning Generalist Robot Policies with Heterogeneous Sensors via Language Grounding",
    "Learning to Transfer Human Hand Skills for Robot Manipulations",
    "Depth Any Camera: Zero-Shot Metric Depth Estimation from Any Camera",
    "EXTRACT: Efficient Policy Learning by Extracting Transferrable Robot Skills from Offline Data",
    "ManiBox: Enhancing Spatial Grasping Generalization via Scalable Simulation Data Generation",
    "Is Value Learning Really the Main Bottleneck in Offline RL",
    "METRA: Scalable Unsupervised RL with Metric-Aware Abstraction",
    "FLIP: Flow-Centric Generative Planning for General-Purpose Manipulation Tasks",
    "Lessons from Learning to Spin “Pens”",
    "TRANSIC: Sim-to-Real Policy Transfer by Learning from Online Correction",
    "PoliFormer: Scaling On-Policy RL with Transformers Results in Masterful Navigators",
    "UniDexGrasp++: Improving Dexterous Grasping Policy Learning via Geometry-aware Curriculum and "
    "Iterative Generalist-Specialist Learning",
    "HumanPlus: Humanoid Shadowing and Imitation from Humans",
    "Gnm: A general navigation model to drive any robot",
    "Neural MP: A Generalist Neural Motion Planner",
    "Mimicgen: A data generation system for scalable robot learning using human demonstrations",
    "Contrastive representation learning",
    "Robot learning on the job: Human-in-the-loop autonomy and learning during deployment",
    "Robocook: Long-horizon elasto-plastic object manipulation with diverse tools",
    "The plenoptic function and the elements of early vision",
    "CyberDemo: Augmenting Simulated Human Demonstration for Real-World Dexterous Manipulation",
    "AnySkin: Plug-and-play Skin Sensing for Robotic Touch",
    "A tutorial on energy-based learning",
    "OpenVLA: An Open-Source Vision-Language-Action Model",
    "Data Scaling Laws in Imitation Learning for Robotic Manipulation",
    "Rekep: Spatio-temporal reasoning of relational keypoint constraints for robotic manipulation",
    "EgoMimic: Scaling Imitation Learning via Egocentric Video",
    "Scaling rectified flow transformers for high-resolution image synthesis",
    "Were RNNs All We Needed?",
    "Cal-ql: Calibrated offline rl pre-training for efficient online fine-tuning",
    "Flow matching for generative modeling",
    "Accelerating reinforcement learning with learned skill priors",
]
# Blocks whose title the export lost (HOVER-like, V-GPS-like, DexMimicGen-like, "Let...", and the
# 130M / 1B / 3B model paragraphs), by the line they start on.
UNTITLED_LINES = [155, 167, 185, 224, 226, 228, 230]


@pytest.fixture(scope="module")
def blocks():
    doc = Document(source=str(SEED_FILES["lark"]), format="text", text=read_seed("lark"))
    return lark.segment(doc)


def _paper(blocks, prefix):
    found = [b for b in blocks if b.kind == "paper" and b.title.startswith(prefix)]
    assert len(found) == 1, prefix
    return found[0]


def test_golden(blocks):
    check_golden("lark_seed003", blocks)


def test_every_titled_paper_found_once(blocks):
    titles = [b.title for b in blocks if b.kind == "paper"]
    assert Counter(titles) == Counter(SEED_003_TITLES)
    assert titles == SEED_003_TITLES  # and in document order


def test_untitled_blocks_are_notes_with_text(blocks):
    notes = [b for b in blocks if b.kind == "note"]
    assert [b.line for b in notes] == UNTITLED_LINES
    assert all(b.title is None and len(b.text) > 80 for b in notes)
    assert not [b for b in blocks if b.kind == "paper" and not b.title]
    texts = {b.line: b.text for b in notes}
    assert texts[155].startswith("Main Idea\n- Unify the command space of humanoid robots")
    assert texts[185].startswith("Main evolution from MimicGen")
    assert texts[224].startswith("Let\nAnother researcher provides")
    assert texts[226].startswith("130M paras.") and "Expriment." in texts[226]
    assert texts[230].startswith("3B paras.") and "π0" in texts[230]


def test_preface_is_not_a_paper(blocks):
    assert blocks[0].line == 2
    assert not any("visit the doc on Lark" in (b.title or "") + b.text for b in blocks)


def test_list_items_flags_marks_and_lost_links(blocks):
    beyond = _paper(blocks, "Beyond Sight")
    assert beyond.flags == ["dataset", "model"]
    assert beyond.fields["link_placeholders"] == "arxiv, website"
    assert beyond.urls == [] and beyond.identifiers == []
    assert beyond.text.startswith("Finetune a policy pretrained only on images")
    assert _paper(blocks, "ManiBox").flags == ["dataset"]
    assert _paper(blocks, "ManiBox").line == 7  # glued onto EXTRACT's line
    extract = _paper(blocks, "EXTRACT")
    assert extract.line == 6 and extract.text.endswith("Emb's then are clustered.")
    recommended = [b.title.split(":")[0] for b in blocks if "recommended" in b.marks]
    assert recommended == ["Is Value Learning Really the Main Bottleneck in Offline RL", "PoliFormer", "UniDexGrasp++"]
    poli = _paper(blocks, "PoliFormer")
    assert poli.marks == ["recommended", "best-paper"] and poli.venue == "CoRL 2024"


def test_citation_facts_go_on_the_block(blocks):
    human = _paper(blocks, "HumanPlus")
    assert [i.key for i in human.identifiers] == ["arxiv:2406.10454"]
    assert human.authors[0] == "Fu, Z." and human.year == 2024
    assert "General Idea:" in human.text and "Fixed mapping between different DoF" in human.text
    gnm = _paper(blocks, "Gnm")
    assert gnm.venue.endswith("(ICRA)") and gnm.fields["pages"] == "7226-7233"
    assert "Hand-craft action representation" in gnm.text


def test_thoughts_are_separated_from_the_note(blocks):
    rekep = _paper(blocks, "Rekep")
    assert len(rekep.thoughts) == 3
    assert rekep.thoughts[0].startswith("Relationship between points can used")
    assert "My takeaway" not in rekep.text
    hover = next(b for b in blocks if b.line == 155)
    assert len(hover.thoughts) == 4 and "Experiments show it can outperform" in hover.thoughts[0]


def test_mentions_are_references_not_papers(blocks):
    openvla = _paper(blocks, "OpenVLA")
    assert openvla.references == [
        "Prismatic vlms: Investigating the design space of visually-conditioned language models"
    ]
    vgps = next(b for b in blocks if b.line == 167)
    assert vgps.references == ["Pre-training for robots: Offline rl enables learning new tasks from a handful of trials"]
    titles = {b.title for b in blocks}
    assert not any(t and t.startswith(("Prismatic", "Pre-training for robots")) for t in titles)


def test_quoted_sentences_are_quotes(blocks):
    sd3 = _paper(blocks, "Scaling rectified flow")
    assert any(q.startswith("Intuitively, since higher resolutions have more pixels") for q in sd3.quotes)


@pytest.mark.parametrize("name", ["readme", "blog", "lecture", "telegram"])
def test_score_low_on_other_seeds(seeds, name):
    doc = Document(source=name, format="text", text=read_seed(name))
    assert lark.score(doc) < 0.2


def test_score_high_on_seed_003(seeds):
    assert lark.score(Document(source="lark", format="text", text=read_seed("lark"))) > 0.8


@pytest.mark.parametrize("name", ["feishu2md_testdocx.1.md", "feishu2md_testdocx.2.md", "feishu2md_testdocx.3.md"])
def test_score_low_on_feishu_docs_without_paper_notes(name):
    text = (FIXTURES / "feishu" / name).read_text(encoding="utf-8")
    assert lark.score(Document(source=name, format="markdown", text=text)) < 0.2


def test_registry_chooses_lark_for_seed_003(seeds):
    doc = Document(source="lark", format="text", text=read_seed("lark"))
    module, _ = segmenter.choose_shape(doc)
    assert module is lark
    blocks = segmenter.segment(doc)
    assert sum(b.kind == "paper" for b in blocks) == 32
    assert {b.language for b in blocks} == {"en"}


def test_line_offset_is_applied():
    text = "- Some Paper Title About Robots [arxiv][website]. A summary.\n"
    doc = Document(source="x", format="markdown", text=text, line_offset=4)
    [block] = lark.segment(doc)
    assert block.line == 5 and block.title == "Some Paper Title About Robots"

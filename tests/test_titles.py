"""Title keys, title cleaning and the title-line heuristic, on titles and lines from the seeds."""

from __future__ import annotations

import pytest

from paperdex.titles import clean_title, is_cut_short, looks_like_title, normalize_title, parse_venue
from tests.conftest import read_seed


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ToolChain*: Efficient Action Space Navigation", "ToolChain: Efficient Action Space Navigation"),
        ("RL²: Fast Reinforcement Learning", "RL2: fast reinforcement learning"),
        ("Single Image Reﬂection Removal", "Single Image Reflection Removal"),  # seed 000's ligature
        ("Lessons from Learning to Spin “Pens”", 'Lessons from Learning to Spin "Pens"'),
        ("ＢＥＲＴ：Ｐｒｅ－ｔｒａｉｎｉｎｇ", "BERT: Pre-training"),  # full width
        ("Dropout Sampling (Niko Sünderhauf)", "dropout sampling (niko sunderhauf)"),  # diacritics
        ("Reinforcement Learning Upside Down: Don't Predict Rewards", "Reinforcement learning upside down - dont predict rewards"),
        ("Goalconditioned reinforcement learning", "Goal-conditioned Reinforcement Learning"),  # lost hyphen
        ("  Simple   Baselines for Image Restoration ", "Simple Baselines for Image Restoration"),
    ],
)
def test_same_key(a: str, b: str) -> None:
    assert normalize_title(a) == normalize_title(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Deep Residual Learning", "Deep Residual Learning for Image Recognition"),
        ("Mean Flows for One-step Generative Modeling", "Improved Mean Flows"),
        ("GPT-3", "GPT-4"),
    ],
)
def test_different_key(a: str, b: str) -> None:
    assert normalize_title(a) != normalize_title(b)


def test_normalize_is_idempotent() -> None:
    for line in read_seed("readme").splitlines() + read_seed("blog").splitlines():
        key = normalize_title(line)
        assert normalize_title(key) == key


@pytest.mark.parametrize(
    ("raw", "title", "facts"),
    [
        ("Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks (2017)",
         "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks", {"year": 2017}),
        ("In-context Reinforcement Learning with Algorithm Distillation (AD)(ICLR2023)",
         "In-context Reinforcement Learning with Algorithm Distillation",
         {"venue": "ICLR 2023", "year": 2023, "alias": "AD"}),
        ("Latent Reward: LLM-Empowered Credit Assignment in Episodic Reinforcement Learning(AAAI2025)",
         "Latent Reward: LLM-Empowered Credit Assignment in Episodic Reinforcement Learning",
         {"venue": "AAAI 2025", "year": 2025}),
        ("Transformers as Decision Makers: Provable In-Context RL via Supervised Pretraining(偏理论推导)",
         "Transformers as Decision Makers: Provable In-Context RL via Supervised Pretraining",
         {"remark": "偏理论推导"}),
        ("Human-Timescale Adaptation in an Open-Ended Task Space(Ada)",
         "Human-Timescale Adaptation in an Open-Ended Task Space", {"alias": "Ada"}),
        ("🌟Is Value Learning Really the Main Bottleneck in Offline RL",
         "Is Value Learning Really the Main Bottleneck in Offline RL", {"marks": ["recommended"]}),
        ("🌟(BP of CoRL 2024)PoliFormer: Scaling On-Policy RL with Transformers",
         "PoliFormer: Scaling On-Policy RL with Transformers",
         {"marks": ["recommended", "best-paper"], "venue": "CoRL 2024", "year": 2024}),
        ("Video PreTraining (VPT): Learning to Act by Watching Unlabeled Online Videos",
         "Video PreTraining (VPT): Learning to Act by Watching Unlabeled Online Videos", {}),
        ("Multi-Agent Cooperation and the Emergence of (Natural) Language",
         "Multi-Agent Cooperation and the Emergence of (Natural) Language", {}),
        ("Rvs: What is essential for offline RL via supervised learning?(ICLR2022)",
         "Rvs: What is essential for offline RL via supervised learning?", {"venue": "ICLR 2022", "year": 2022}),
        ("What Matters in Unsupervised Optical Flow ", "What Matters in Unsupervised Optical Flow", {}),
        # A year or venue after a comma or dash is the reader's, not the title's.
        ("Chain of thought prompting elicits reasoning in LLMs, 2022",
         "Chain of thought prompting elicits reasoning in LLMs", {"year": 2022}),
        ("Distilling knowledge in neural network – 2015", "Distilling knowledge in neural network", {"year": 2015}),
        ("A Title Of Ours, NeurIPS 2022", "A Title Of Ours", {"venue": "NeurIPS 2022", "year": 2022}),
        ("Segment Anything - ICCV 2023 Oral", "Segment Anything",
         {"venue": "ICCV 2023", "year": 2023, "status": "Oral"}),
        ("Attention, Please", "Attention, Please", {}),
        ("GPT-4 - Technical Report", "GPT-4 - Technical Report", {}),
        ("YOLO9000: Better, Faster, Stronger", "YOLO9000: Better, Faster, Stronger", {}),
        ("Learning to Walk in 2020", "Learning to Walk in 2020", {}),
    ],
)
def test_clean_title(raw: str, title: str, facts: dict) -> None:
    assert clean_title(raw) == (title, facts)


def test_parse_venue() -> None:
    assert parse_venue("ICLR2023") == ("ICLR 2023", 2023, "")
    assert parse_venue("CVPR 2025 Best Paper Shortlist") == ("CVPR 2025", 2025, "Best Paper Shortlist")
    assert parse_venue("EMNLP25") == ("EMNLP 2025", 2025, "")
    assert parse_venue("YOLOv10") is None and parse_venue("GPT-4") is None


def test_title_lines_of_seed001() -> None:
    lines = read_seed("blog").splitlines()
    titles = [n for n, line in enumerate(lines, start=1) if looks_like_title(clean_title(line)[0])]
    assert titles == [2, 9, 14, 15, 16, 17, 25, 27, 28, 29, 30, 31, 32, 33, 36, 39, 52, 55, 60, 63, 66, 72, 79]


@pytest.mark.parametrize(
    "line",
    [
        "论文速读记录 | 2025年3月",
        "- arxiv:https://arxiv.org/abs/1703.03400",
        "- 来源:MoonOut",
        "另外一篇同系列的文章Training Agents using Upside-Down Reinforcement Learning",
        "【推荐】国内首个AI IDE,深度理解中文开发场景,立即下载体验Trae",
        "· ollama系列1:轻松3步本地部署deepseek,普通电脑可用",
        "Fu, Z., Zhao, Q., Wu, Q., Wetzstein, G., & Finn, C. (2024). HumanPlus: Humanoid Shadowing. arXiv.",
        "General Idea:",
        "как насчет рл алгоса, который может обгонять 130к юзеров",
        "$$\\Delta \\theta \\leftarrow \\Delta \\theta$$",
        "PixelRNN PixelCNN",
        "This is a sentence. It has two parts.",
    ],
)
def test_not_title_lines(line: str) -> None:
    assert not looks_like_title(line)


def test_no_title_lines_in_the_lecture_notes() -> None:
    assert not [line for line in read_seed("lecture").splitlines() if looks_like_title(clean_title(line)[0])]


@pytest.mark.parametrize(("short", "full", "cut"), [
    ("Deeptraffic: Driving Fast Through Dense Traffic With Deep Reinforcement Lea",
     "DeepTraffic: Driving Fast through Dense Traffic with Deep Reinforcement Learning", True),  # inside a word
    ("Unsupervised Machine Translation Using Monolingual Corpora and",
     "Unsupervised Machine Translation Using Monolingual Corpora and Back-Translation", True),  # after "and"
    ("Stargan: Unified Generative Adversarial Networks for Multi-Domain Image-To",
     "StarGAN: Unified Generative Adversarial Networks for Multi-Domain Image-to-Image Translation", True),
    ("Towards High Performance Video Object Detection",
     "Towards High Performance Video Object Detection for Mobiles", False),  # a whole title of its own
    ("Attention Is All You Ne", "Attention Is All You Need", False),  # too short to tell papers apart
    ("Deep Residual Learning for Image Recognition", "Deep Residual Learning for Image Recognition", False),
    ("Neural Machine Translation of Rare Words with Subword Units",
     "Neural Machine Translation by Jointly Learning to Align and Translate", False),
])
def test_a_title_cut_short_is_told_from_a_shorter_title(short, full, cut):
    assert is_cut_short(normalize_title(short), normalize_title(full)) is cut

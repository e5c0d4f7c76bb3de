"""APA reference lines as pasted from Google Scholar into the Lark notes of seed 003."""

from __future__ import annotations

import pytest

from paperdex.model import Identifier
from paperdex.segment.citation import looks_like_citation, parse_apa
from tests.conftest import read_seed

# The 20 reference lines of seed 003, counted by hand.
SEED_CITATION_LINES = [15, 32, 42, 52, 72, 83, 97, 118, 124, 127, 138, 146, 197, 202, 219, 237, 250, 261, 268, 277]


def test_exactly_the_reference_lines_of_seed_003_are_citations(seeds):
    lines = read_seed("lark").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if looks_like_citation(line)]
    assert found == SEED_CITATION_LINES


def test_arxiv_preprint():
    c = parse_apa(
        "Fu, Z., Zhao, Q., Wu, Q., Wetzstein, G., & Finn, C. (2024). HumanPlus: Humanoid Shadowing and "
        "Imitation from Humans. arXiv preprint arXiv:2406.10454."
    )
    assert c is not None
    assert c.authors == ["Fu, Z.", "Zhao, Q.", "Wu, Q.", "Wetzstein, G.", "Finn, C."]
    assert c.first_author_surname == "Fu"
    assert (c.year, c.title, c.venue) == (2024, "HumanPlus: Humanoid Shadowing and Imitation from Humans", "arXiv")
    assert c.identifiers == [Identifier("arxiv", "2406.10454")]
    assert not c.authors_truncated


def test_conference_with_month_pages_and_publisher():
    c = parse_apa(
        "Shah, D., Sridhar, A., Bhorkar, A., Hirose, N., & Levine, S. (2023, May). Gnm: A general navigation "
        "model to drive any robot. In 2023 IEEE International Conference on Robotics and Automation (ICRA) "
        "(pp. 7226-7233). IEEE."
    )
    assert c is not None
    assert c.month == "May" and c.year == 2023
    assert c.title == "Gnm: A general navigation model to drive any robot"
    assert c.venue == "2023 IEEE International Conference on Robotics and Automation (ICRA)"
    assert (c.pages, c.publisher) == ("7226-7233", "IEEE")
    assert c.identifiers == []


def test_elided_authors_and_multiword_surnames():
    c = parse_apa(
        "Nakamoto, M., Zhai, S., Singh, A., Sobol Mark, M., Ma, Y., Finn, C., ... & Levine, S. (2024). Cal-ql: "
        "Calibrated offline rl pre-training for efficient online fine-tuning. Advances in Neural Information "
        "Processing Systems, 36."
    )
    assert c is not None
    assert "Sobol Mark, M." in c.authors and c.authors[-1] == "Levine, S."
    assert c.authors_truncated
    assert c.venue == "Advances in Neural Information Processing Systems" and c.volume == "36"


def test_title_ending_in_question_mark():
    c = parse_apa(
        "Feng, L., Tung, F., Ahmed, M. O., Bengio, Y., & Hajimirsadegh, H. (2024). Were RNNs All We Needed?. "
        "arXiv preprint arXiv:2410.01201."
    )
    assert c is not None and c.title == "Were RNNs All We Needed?"
    assert c.authors[2] == "Ahmed, M. O."
    assert c.identifiers == [Identifier("arxiv", "2410.01201")]


def test_blog_post_with_month_first_and_url():
    c = parse_apa(
        "Weng, Lilian. (May 2021). Contrastive representation learning. Lil’Log. "
        "https://lilianweng.github.io/posts/2021-05-31-contrastive/."
    )
    assert c is not None
    assert c.authors == ["Weng, Lilian"] and (c.year, c.month) == (2021, "May")
    assert c.title == "Contrastive representation learning" and c.venue == "Lil’Log"
    assert c.urls == ["https://lilianweng.github.io/posts/2021-05-31-contrastive/"]


def test_book_with_volume_and_place():
    c = parse_apa(
        "Adelson, E. H., & Bergen, J. R. (1991). The plenoptic function and the elements of early vision "
        "(Vol. 2). Cambridge, MA, USA: Vision and Modeling Group, Media Laboratory, Massachusetts Institute "
        "of Technology."
    )
    assert c is not None
    assert c.authors == ["Adelson, E. H.", "Bergen, J. R."]
    assert c.title == "The plenoptic function and the elements of early vision" and c.volume == "2"
    assert c.publisher.startswith("Vision and Modeling Group")


def test_proceedings_and_pmlr():
    c = parse_apa(
        "Pertsch, K., Lee, Y., & Lim, J. (2021, October). Accelerating reinforcement learning with learned "
        "skill priors. In Conference on robot learning (pp. 188-204). PMLR."
    )
    assert c is not None
    assert (c.venue, c.publisher, c.month) == ("Conference on robot learning", "PMLR", "October")
    c = parse_apa(
        "Esser, P., Kulal, S., Blattmann, A., Entezari, R., Müller, J., Saini, H., ... & Rombach, R. (2024, "
        "March). Scaling rectified flow transformers for high-resolution image synthesis. In Forty-first "
        "International Conference on Machine Learning."
    )
    assert c is not None and "Müller, J." in c.authors
    assert c.venue == "Forty-first International Conference on Machine Learning"


@pytest.mark.parametrize(
    "line",
    [
        "- Beyond Sight: Finetuning Generalist Robot Policies [arxiv][website][dataset✅][model✅]. Finetune a policy.",
        "Main idea: ReKep tries to solve manipulation task by: 1. getting several 'keypoints' (2024).",
        "Experiment (2023). Tests are done in sim and real.",
        "- Limitations (pp. 2). None.",
        "130M paras. One observation encoder is set for each type of camera pose (see 2024).",
        "",
    ],
)
def test_other_lines_are_not_citations(line):
    assert parse_apa(line) is None
    assert not looks_like_citation(line)

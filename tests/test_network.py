"""Network generators: seeded, symmetric, the asked-for degree, and an edge-list import."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scs_sim import SocialCreditModel
from scs_sim.network import GENERATORS, SocialNetwork
from scs_sim.scenario import Scenario


@pytest.mark.parametrize("name", ["small_world", "scale_free", "communities"])
def test_generators_are_symmetric_with_the_mean_degree(name: str):
    params = Scenario(n_citizens=5000, network=name, mean_degree=10, minority_share=0.2)
    net, group = SocialNetwork.generate(params, np.random.default_rng(1))
    adjacency = net.adjacency
    assert (adjacency != adjacency.T).nnz == 0
    assert adjacency.diagonal().sum() == 0
    assert 8.5 < net.degree.mean() < 10.5
    assert 0.15 < group.mean() < 0.25


def test_scale_free_has_hubs_and_small_world_does_not():
    def max_degree(name: str) -> float:
        net, _ = SocialNetwork.generate(
            Scenario(n_citizens=20000, network=name), np.random.default_rng(2)
        )
        return net.degree.max()

    assert max_degree("scale_free") > 5 * max_degree("small_world")


def test_communities_keep_most_ties_inside_the_group():
    params = Scenario(n_citizens=5000, network="communities", minority_share=0.2, homophily=0.9)
    net, group = SocialNetwork.generate(params, np.random.default_rng(3))
    rows, cols = net.active_edges()
    assert (group[rows] == group[cols]).mean() > 0.8


def test_edge_list_import(tmp_path: Path):
    edges = tmp_path / "ties.txt"
    edges.write_text("# a triangle and a tail\n0 1\n1 2\n2 0\n3 4\n")
    model = SocialCreditModel(network="edge_list", edge_list=str(edges), n_citizens=10)
    assert int(model.network.degree.sum()) == 8
    graph = model.to_networkx()
    assert graph.number_of_edges() == 4 and graph.has_edge(3, 4)


def test_edge_list_scenario_path_is_relative_to_the_file(tmp_path: Path):
    (tmp_path / "ties.txt").write_text("0 1\n")
    scenario = tmp_path / "s.toml"
    scenario.write_text('network = "edge_list"\nedge_list = "ties.txt"\nn_citizens = 10\n')
    assert SocialCreditModel(scenario).network.degree.sum() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [("0 1\n5 99\n", "ids must be integers in [0, 10)"), ("a b\n", "not two integer columns")],
)
def test_bad_edge_list_is_a_clear_error(tmp_path: Path, text: str, message: str):
    from scs_sim.loading import NetworkFileError

    edges = tmp_path / "bad.txt"
    edges.write_text(text)
    with pytest.raises(NetworkFileError, match=message.replace("[", r"\[").replace(")", r"\)")):
        SocialCreditModel(network="edge_list", edge_list=str(edges), n_citizens=10)


def test_cut_and_rewire_keep_the_structure_size():
    model = SocialCreditModel("full-scs", rng=1, n_citizens=2000)
    model.run(40)
    assert model.counters["ties_cut"] > 0
    assert model.network.adjacency.nnz == model.network.initial_ties
    assert model.network.degree.sum() <= model.network.initial_ties


def test_generators_are_registered_by_name():
    assert {"small_world", "scale_free", "communities", "edge_list"} <= set(GENERATORS)


@pytest.mark.parametrize("n", [1, 7, 8, 9, 16_385, 300_001])
def test_nonzero_bits_are_numpys_packed_bits(n: int):
    from scs_sim.kernels.network import nonzero_bits

    values = np.random.default_rng(n).integers(0, 4, n, dtype=np.uint8)
    values[: n // 2] = 0  # long runs of zeros as well as mixed bytes
    out = np.full((n + 7) // 8, 0xFF, dtype=np.uint8)
    nonzero_bits(values, out)
    assert np.array_equal(out, np.packbits(values != 0, bitorder="little"))

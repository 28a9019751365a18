"""Dataset registry: determinism, file formats users meet, data cards, errors."""

from __future__ import annotations

import filecmp
import subprocess
import sys

import pandas as pd
import pytest

from workbench import datasets
from workbench.paths import datasets_dir


def _files(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("name", datasets.names())
def test_same_seed_gives_identical_bytes(name, tmp_path):
    first = datasets.build(name, "small", seed=7, out_dir=tmp_path / "a")
    second = datasets.build(name, "small", seed=7, out_dir=tmp_path / "b")
    names = _files(first)
    assert names == _files(second) and names
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == []


def test_synthetic_data_depends_on_seed(tmp_path):
    first = datasets.build("facility_usage", "small", seed=1, out_dir=tmp_path / "a")
    second = datasets.build("facility_usage", "small", seed=2, out_dir=tmp_path / "b")
    csv_name = "facility_usage.csv"
    assert (first / csv_name).read_bytes() != (second / csv_name).read_bytes()


def test_full_size_is_larger(tmp_path):
    small = datasets.build("facility_usage", "small", out_dir=tmp_path / "s")
    full = datasets.build("facility_usage", "full", out_dir=tmp_path / "f")
    n_small = len(pd.read_csv(small / "facility_usage.csv", encoding="cp932"))
    n_full = len(pd.read_csv(full / "facility_usage.csv", encoding="cp932"))
    assert n_full > 100 * n_small / 2


def test_rebuild_is_skipped_when_up_to_date(tmp_path):
    folder = datasets.build("facility_usage", "small", out_dir=tmp_path / "d")
    csv_path = folder / "facility_usage.csv"
    before = csv_path.stat().st_mtime_ns
    datasets.build("facility_usage", "small", out_dir=tmp_path / "d")
    assert csv_path.stat().st_mtime_ns == before


def test_facility_csv_is_excel_style_cp932():
    raw = datasets.path("facility_usage").read_bytes()
    assert b"\r\n" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):  # 髙 exists only in cp932
        raw.decode("shift_jis")
    frame = pd.read_csv(datasets.path("facility_usage"), encoding="cp932")
    assert frame["利用者数"].isna().sum() >= 3
    assert (frame["利用者数"] == 5000).sum() == 2


def test_facility_master_has_title_row_and_join_quirks():
    master_path = datasets.path("facility_usage", "facility_master.xlsx")
    raw = pd.read_excel(master_path, header=None)
    assert "合成データ" in str(raw.iloc[0, 0])
    assert raw.iloc[1].isna().all()
    master = datasets.load("facility_usage", "facility_master.xlsx")
    usage = datasets.load("facility_usage")
    assert list(master.columns[:2]) == ["施設ID", "施設名"]
    assert set(usage["施設ID"]) - set(master["施設ID"]), "a facility opened after the register"
    assert set(master["施設ID"]) - set(usage["施設ID"]), "a closed facility in the register"


def test_real_dx_figures_match_published_values():
    dx = datasets.load("dx_indicators")
    telework = dx[dx["指標"] == "テレワーク1日平均利用者数"].set_index("西暦年度")["値"]
    assert telework.to_dict() == {2020: 391, 2021: 620, 2022: 363, 2023: 343, 2024: 282}
    assert dx.loc[dx["指標"] == "電子申請", "値"].item() == 520762


@pytest.mark.parametrize("name", datasets.names())
def test_every_dataset_has_a_data_card_naming_its_columns(name):
    card = (datasets_dir() / name / "README.md").read_text(encoding="utf-8")
    dataset = datasets.get(name)
    assert ("合成データ" in card) == dataset.synthetic
    assert ("実データ" in card) != dataset.synthetic
    for data_file in dataset.files:
        assert data_file.name in card
        for column in datasets.load(name, data_file.name).columns:
            assert f"`{column}`" in card, f"{name}: column {column} is not documented"


def test_unknown_names_get_japanese_errors():
    with pytest.raises(datasets.DatasetError, match="登録されていません"):
        datasets.load("no_such_data")
    with pytest.raises(datasets.DatasetError, match="あるファイル"):
        datasets.path("facility_usage", "missing.csv")


def test_cli_reports_bad_dataset_with_nonzero_exit():
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "datasets", "build", "no_such_data"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "登録されていません" in result.stderr

import pytest

from safehub.testing.factories import make_user


@pytest.fixture
def annex_analyst(front_door):
    return make_user("annex.analyst", "ANALYST", front_door)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"

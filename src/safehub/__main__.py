"""``python -m safehub``: the same entry point as the ``safehub`` console script (safehub.cli)."""

from safehub.cli import main

if __name__ == "__main__":
    main()

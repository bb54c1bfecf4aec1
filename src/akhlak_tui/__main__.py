"""Entry point for `python -m akhlak_tui`."""

from akhlak_tui.cli import main

if __name__ == "__main__":
    main()

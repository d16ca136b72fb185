"""Matplotlib settings shared by every figure of the book."""


def use_book_style():
    """SVG figures on a white card, so that they stay readable in light and dark mode."""
    import matplotlib
    import matplotlib_inline.backend_inline as inline

    # No date in the SVG metadata: two builds give the same bytes.
    inline.set_matplotlib_formats("svg", metadata={"Date": None})
    matplotlib.rcParams.update(
        {
            "figure.figsize": (6, 3.5),
            "figure.facecolor": "white",
            "axes.facecolor": "white",
            "axes.grid": True,
            "grid.alpha": 0.3,
            "svg.hashsalt": "autodiff-book",  # stable ids inside the SVG: two builds give the same page
            "svg.fonttype": "none",
            "font.size": 11,
        }
    )

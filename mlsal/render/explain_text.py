"""The calculation of `mlsal explain` for people: numbered steps, each with its quotes."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from mlsal.explain import Step
from mlsal.render.kit import profile_line
from mlsal.result import Estimate


def render_steps(estimate: Estimate, steps: list[Step]) -> RenderableType:
    parts: list[RenderableType] = [Text(f"Profile: {profile_line(estimate)}\n", style="bold")]
    for number, step in enumerate(steps, start=1):
        heading = Text(f"{number}. {step.kind.capitalize()} — {step.title}: ", style="bold")
        heading.append(step.value, style="bold green")
        parts.append(heading)
        for line in step.lines:
            parts.append(Text(f"   {line}"))
        if step.figures:
            parts.append(Text("   from:", style="dim"))
        for figure in step.figures:
            said = figure.selection or f"“{figure.quote}”"
            parts.append(Text(f"   [{figure.source}] {figure.fact}: {said}", style="dim"))
        parts.append(Text(""))
    return Group(*parts)

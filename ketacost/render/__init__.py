"""Estimate -> text: Rich table, JSON, CSV, Markdown. No arithmetic here; every figure comes computed."""

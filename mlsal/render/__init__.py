"""Turning results into text: tables for people, JSON and CSV for scripts. Pure functions."""

"""Shelter and depot planning: coverage, siting (MCLP, LSCP, p-median, p-center) and saved scenarios."""

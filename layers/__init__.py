"""The declarative layer registry and the tier palette; imports nothing else of TwoMaps."""

"""`make bench`: the app measured on the production shape against its own floor (README, Speed).

Nothing here is imported by the app; the floor view exists only under bench.settings.
"""

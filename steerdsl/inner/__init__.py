"""The inner side of the quantum set: explicit realisations, see-saw bounds and realisation search
(physics.md §8)."""

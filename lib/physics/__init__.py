"""A physics-informed frame predictor for Part 2: see the predictor module for the whole route.

Modules, one job each: `render` (the assumed renderer), `least_squares` (a batched
Levenberg-Marquardt solver), `perception` (balls, centres and, where balls differ in size, radii
per frame), `tracking` (the same ball across frames), `motion` (the rules of motion, a family of
variants), `identify` (the generator's settings from training clips), `rules` (the collision and
mass rules, chosen by roll-outs), `state` (positions and velocities fitted through the rules),
`predictor` (roll-out, the mean of the futures where the input allows several, self-check, gate,
hybrid with a learned network), `ceiling` (the best any predictor can do on files this project
simulated), `workflow` (chapter 6's use of it all).
"""

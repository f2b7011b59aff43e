"""The machine-learning library behind the report: data, simulator, models, training, metrics."""

"""Long runs behind their own make targets: speed against nginx, scale, soak."""

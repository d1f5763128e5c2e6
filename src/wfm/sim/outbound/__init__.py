"""The outbound model: accounts, dial attempts, pacing per dialer mode, compliance, results."""

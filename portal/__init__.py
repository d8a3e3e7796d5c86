"""Care Guide Portal: plain-language patient education and a community resource directory."""

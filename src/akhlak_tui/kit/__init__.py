"""Offline install kits: build a folder for a USB stick that installs akhlak on laptops without internet."""

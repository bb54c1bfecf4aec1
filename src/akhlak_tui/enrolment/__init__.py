"""Enrolment: a laptop's device key counts only once the coordinator has approved (signed) it."""

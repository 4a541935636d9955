#!/usr/bin/env python3
"""Django's command-line utility for the django-helpdesk baseline (run it with .venv/bin/python)."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

import os
import sys

# The plain-numpy reference lives beside the tests.
sys.path.insert(0, os.path.dirname(__file__))

<?php
echo (;

program ce;
begin
  writeln(undeclared);
end.

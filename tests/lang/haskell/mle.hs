import qualified Data.Map.Strict as M
main :: IO ()
main = print (M.size (go M.empty 0))
  where
    go :: M.Map Int Int -> Int -> M.Map Int Int
    go m n = if n < 0 then m else go (M.insert n n m) (n + 1)

import Data.IORef
main :: IO ()
main = do
  r <- newIORef (0 :: Int)
  let loop = modifyIORef' r (+ 1) >> loop
  loop

import qualified Data.ByteString.Char8 as B
import Control.Monad (forM_)
import Data.IORef

-- 1 MiB strict chunks, each filled (memset) and kept.
main :: IO ()
main = do
  keep <- newIORef []
  forM_ [1 :: Int ..] $ \i -> do
    let b = B.replicate (1024 * 1024) (toEnum (i `mod` 200 + 32))
    b `seq` modifyIORef' keep (b :)

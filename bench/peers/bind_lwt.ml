(* bind_lwt.ml: the bind loop on Lwt (native code), the peer of bench/bind_loop.c: N binds of an already resolved
   promise, in ns per bind, in the same line format.  Usage: bind_lwt [N]
   Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). *)

let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 10_000_000

(* let rec step v = if v = n then return v else return (v + 1) >>= step *)
let rec step v = if v = n then Lwt.return v else Lwt.bind (Lwt.return (v + 1)) step

let () =
  let t0 = Unix.gettimeofday () in
  let r = Lwt_main.run (Lwt.bind (Lwt.return 0) step) in
  let t1 = Unix.gettimeofday () in
  if r <> n then (prerr_endline "bind_lwt: wrong count"; exit 1);
  Printf.printf "%.2f ns per bind (%d binds)\n" ((t1 -. t0) *. 1e9 /. float_of_int n) n

(* lwt_handoff.ml: the Lwt peer of chan_handoff.c: the same handoffs through Lwt_mvar and Lwt_stream.create_bounded,
   in ns per message, in the same line format.  Built and run by scripts/bench.sh (native code, ocamlfind ocamlopt).
   Usage: lwt_handoff [messages] *)

let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 1_000_000

let measure name f =
  let t0 = Unix.gettimeofday () in
  let sum = Lwt_main.run (f ()) in
  let t1 = Unix.gettimeofday () in
  if sum <> n * (n - 1) / 2 then (prerr_endline (name ^ ": wrong sum"); exit 1);
  Printf.printf "%-16s %8.1f ns/message\n%!" name ((t1 -. t0) *. 1e9 /. float_of_int n)

(* One producer, one consumer, as in chan_handoff.c. *)
let handoff send recv () =
  let rec produce i = if i = n then Lwt.return_unit else Lwt.bind (send i) (fun () -> produce (i + 1)) in
  let rec consume k sum =
    if k = n then Lwt.return sum else Lwt.bind (recv ()) (fun v -> consume (k + 1) (sum + v))
  in
  Lwt.async (fun () -> produce 0);
  consume 0 0

let mvar () =
  let mv = Lwt_mvar.create_empty () in
  handoff (Lwt_mvar.put mv) (fun () -> Lwt_mvar.take mv) ()

let stream cap () =
  let s, push = Lwt_stream.create_bounded cap in
  handoff (fun v -> push#push v) (fun () -> Lwt_stream.next s) ()

let () =
  Printf.printf "# %d messages, Lwt %s\n%!" n "(native)";
  measure "Lwt_mvar" mvar;
  measure "Lwt_stream(1)" (stream 1);
  measure "Lwt_stream(64)" (stream 64)
